import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { readTopicLogs } from '../support/kafka-log.js';
import { uniqueName } from '../support/services.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** What test/airflow/global-setup.ts prepared. */
export interface AirflowTier {
  /** The venv's airflow executable. */
  airflow: string;
  /** AIRFLOW_HOME, dags folder and PATH for every airflow command. */
  env: Record<string, string>;
  kafkaBootstrap: string;
  apiServerPort: number;
  logServerPort: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    airflow: AirflowTier;
  }
}

export const airflowTier = (): AirflowTier => inject('airflow');

export interface Finished {
  code: number | null;
  output: string;
  elapsedMs: number;
}

/** A started command whose stdout and stderr are collected together. */
export function startCollecting(command: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: string) => (output += chunk);
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | null>((done, reject) => {
    child.on('error', reject);
    child.on('close', (code) => done(code));
  });
  return { child, exited, output: () => output };
}

/** Runs a command to its end (or kills it at the deadline), collecting stdout and stderr together. */
export async function runToEnd(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<Finished> {
  const t0 = Date.now();
  const run = startCollecting(command, args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const code = await run.exited.finally(() => clearTimeout(timer));
  return { code, output: run.output(), elapsedMs: Date.now() - t0 };
}

/** `airflow <args>` with the project's Airflow environment (plus `env`). */
export function airflow(args: string[], { env = {}, timeoutMs = 480_000 }: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Finished> {
  const tier = airflowTier();
  return runToEnd(tier.airflow, args, { ...tier.env, ...env }, timeoutMs);
}

/** A topic prefix unique to this test run, e.g. "af_m3x1_ab12c.". */
export const uniquePrefix = (label: string): string => `${uniqueName(label)}.`;

/**
 * Counts the records in each topic: the end offsets (production has finished, the topics are new)
 * and, to be sure they are readable, every one of them read back from the beginning.
 * Returns distinct message keys per topic as well: one record per user.
 */
export async function readCounts(topics: readonly string[]): Promise<Map<string, { inLog: number; read: number; keys: number }>> {
  const logs = await readTopicLogs(airflowTier().kafkaBootstrap, topics, { timeoutMs: 60_000 });
  return new Map([...logs].map(([topic, log]) => [topic, { inLog: log.inLog, read: log.messages.length, keys: new Set(log.messages.map((m) => m.key)).size }]));
}
