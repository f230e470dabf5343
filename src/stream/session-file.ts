import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redactUri } from '../config/redact.js';
import type { PipelineDefinition } from './pipeline.js';

/** Which Spark Connect session runs the pipeline's queries, so `status` and `stop` can reattach to it. */
export interface PipelineSession {
  sessionId: string;
  remote: string;
  startedAt: string;
  queries: { name: string; id: string; runId: string }[];
  /** What the queries were started as (absent in records written before adoption existed). */
  definition?: PipelineDefinition;
}

export const sessionFile = (stateDir: string) => join(stateDir, 'run', 'stream.json');

/**
 * The remote is saved without its credentials (a `;token=` or a password): the file is for finding the
 * session again, and the live configuration supplies the token when reattaching.
 */
export function savePipelineSession(stateDir: string, session: PipelineSession): void {
  const file = sessionFile(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...session, remote: redactUri(session.remote) }, null, 2), { mode: 0o600 });
}

export function loadPipelineSession(stateDir: string): PipelineSession | undefined {
  const file = sessionFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PipelineSession;
  } catch {
    return undefined;
  }
}

export const clearPipelineSession = (stateDir: string) => rmSync(sessionFile(stateDir), { force: true });
