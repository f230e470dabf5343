// The detached pipeline's supervisor (`streamline stream supervise`, what `stream start --detach` leaves
// running): it adopts the pipeline's queries (or starts them), keeps their Spark Connect session active
// by watching them every few seconds, and recovers from every failure the foreground supervisor
// recovers from, with the same backoff but no give-up window. It keeps a small status file in the
// state dir that `stream status`, the dashboard and /metrics read. Design: docs/decisions.md,
// "Always on: one supervisor per pipeline".
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StreamlineConfig } from '../config/index.js';
import type { TopicBinding } from '../stream/index.js';
import { backoffMs, systemClock } from '../core/clock.js';
import { firstLine, restartBackoff, type FailureKind } from './recovery-policy.js';
import { PipelineRunningError } from '../core/errors.js';
import { startStreaming } from './streaming.js';
import { superviseStreaming, type RecoveryEvent } from './supervise-streaming.js';

/** What the supervisor is doing, as of its last event. */
export type SupervisorState = 'starting' | 'watching' | 'recovering';

export interface SupervisorStatus {
  pid: number;
  startedAt: string;
  updatedAt: string;
  state: SupervisorState;
  session?: string;
  /** Queries started again (whole-pipeline restarts) since this supervisor started. */
  restarts: number;
  /** Failures seen since this supervisor started, by cause (start-failed: could not start or adopt). */
  failures: Partial<Record<FailureKind | 'start-failed', number>>;
  lastFailure?: { at: string; kind: FailureKind | 'start-failed'; subject: string; message: string };
  /** The last error of each query that had one (kept after it runs again, so it can be looked up). */
  queryErrors: Record<string, { at: string; message: string }>;
  /** Queries active at the latest report. */
  active: string[];
}

export const initialSupervisorStatus = (pid: number, now: Date): SupervisorStatus => ({
  pid,
  startedAt: now.toISOString(),
  updatedAt: now.toISOString(),
  state: 'starting',
  restarts: 0,
  failures: {},
  queryErrors: {},
  active: [],
});

/** The status after one supervisor event (pure; the supervisor writes the result to its status file). */
export function applyRecoveryEvent(status: SupervisorStatus, event: RecoveryEvent, now: Date): SupervisorStatus {
  const at = now.toISOString();
  const next: SupervisorStatus = { ...status, updatedAt: at };
  const count = (kind: FailureKind | 'start-failed') => ({ ...status.failures, [kind]: (status.failures[kind] ?? 0) + 1 });
  switch (event.type) {
    case 'supervising':
      return { ...next, state: 'watching', session: event.session, active: event.queries };
    case 'report': {
      const queryErrors = { ...status.queryErrors };
      for (const r of event.reports) if (r.exception) queryErrors[r.name] = { at, message: firstLine(r.exception) };
      return { ...next, active: event.reports.filter((r) => r.active && !r.exception).map((r) => r.name), queryErrors };
    }
    case 'failed': {
      const queryErrors = { ...status.queryErrors };
      for (const q of event.queries ?? []) queryErrors[q.query] = { at, message: firstLine(q.message) };
      const lastFailure = { at, kind: event.failure.kind, subject: event.failure.subject, message: event.message };
      return { ...next, state: 'recovering', active: [], failures: count(event.failure.kind), lastFailure, queryErrors };
    }
    case 'start-failed':
      return { ...next, state: 'recovering', active: [], failures: count('start-failed'), lastFailure: { at, kind: 'start-failed', subject: 'the pipeline', message: event.message } };
    case 'resumed':
      return { ...next, state: 'watching', session: event.session, restarts: status.restarts + 1 };
    case 'restarting-driver':
    case 'driver-start-failed':
    case 'waiting':
      return { ...next, state: 'recovering' };
  }
}

const supervisorStatusFile = (stateDir: string) => join(stateDir, 'supervisor', 'status.json');

export function writeSupervisorStatus(stateDir: string, status: SupervisorStatus): void {
  const file = supervisorStatusFile(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  // Written whole and renamed, so a reader never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(status, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readSupervisorStatus(stateDir: string): SupervisorStatus | undefined {
  try {
    return JSON.parse(readFileSync(supervisorStatusFile(stateDir), 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

export const clearSupervisorStatus = (stateDir: string) => rmSync(supervisorStatusFile(stateDir), { force: true });

export interface DetachedSupervisorOptions {
  signal: AbortSignal;
  onEvent: (event: RecoveryEvent) => void;
  /** How often the queries are checked (and the session kept active). */
  everyMs?: number;
}

/**
 * Runs until `signal` aborts (SIGTERM from `stream stop` or `down`): leaves the queries running then,
 * since `stream stop` stops them itself and `down` stops the server. Only a different pipeline on the
 * same checkpoints ends it early (PipelineRunningError): that is a configuration to fix, not an outage.
 */
export async function runDetachedSupervisor(config: StreamlineConfig, bindings: TopicBinding[], opts: DetachedSupervisorOptions): Promise<void> {
  let attempt = 0;
  while (!opts.signal.aborted) {
    let started;
    try {
      started = await startStreaming(config, bindings);
    } catch (error) {
      if (error instanceof PipelineRunningError || opts.signal.aborted) throw error;
      const retryInMs = backoffMs(restartBackoff(config.stream.restart), ++attempt);
      opts.onEvent({ type: 'start-failed', message: firstLine((error as Error).message), retryInMs });
      await systemClock.sleep(retryInMs, opts.signal);
      continue;
    }
    attempt = 0;
    opts.onEvent({ type: 'supervising', queries: started.queries.map((q) => q.name ?? q.id), session: started.session.sessionId, adopted: started.adopted });
    const outcome = await superviseStreaming(config, bindings, started, { signal: opts.signal, onEvent: opts.onEvent, unbounded: true, ...(opts.everyMs ? { everyMs: opts.everyMs } : {}) });
    if (outcome.outcome === 'interrupted') {
      // Closes our connection only: the session and its queries stay on the server.
      outcome.running?.spark.close();
      return;
    }
    // 'stopped' (`stream stop` cleared the session) ends the run; 'gave-up' cannot happen without a
    // give-up window, but if it ever did, starting over is what a supervisor is for.
    if (outcome.outcome === 'stopped') return;
  }
}
