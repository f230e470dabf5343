// Every query the pipeline should have, accounted for: the running ones held against the pipeline
// definition's list (expectedQueries in src/stream), so a query that died shows as failed or missing
// instead of not showing at all. Pure; `stream status`, the dashboard and /metrics all use it.
import type { QueryReport } from '../stream/index.js';
import type { SupervisorStatus } from './stream-supervisor.js';

/**
 * active: running; restarting: not running while the supervisor is recovering the pipeline; failed:
 * stopped with an exception; missing: not running (never started, stopped, or gone without a trace).
 */
export type QueryState = 'active' | 'restarting' | 'failed' | 'missing';

export interface ExpectedQuery {
  name: string;
  state: QueryState;
  /** The query's own exception, else the last one the supervisor saw for it, else the supervisor's last failure. */
  lastError?: string;
}

/** `supervisor` is the running supervisor's status (undefined when none runs). */
export function accountForQueries(expected: string[], reports: QueryReport[], supervisor?: SupervisorStatus): ExpectedQuery[] {
  const byName = new Map(reports.map((r) => [r.name, r]));
  return expected.map((name): ExpectedQuery => {
    const report = byName.get(name);
    const known = report?.exception ?? supervisor?.queryErrors[name]?.message;
    if (report?.active && !report.exception) return { name, state: 'active' };
    const lastError = known ?? (supervisor?.state === 'recovering' ? supervisor.lastFailure?.message : undefined);
    const state: QueryState = supervisor?.state === 'recovering' || supervisor?.state === 'starting' ? 'restarting' : report?.exception ? 'failed' : 'missing';
    return lastError ? { name, state, lastError } : { name, state };
  });
}

/** How many of the expected queries are active. */
export const activeCount = (queries: ExpectedQuery[]): number => queries.filter((q) => q.state === 'active').length;
