import type { PipelineStatus, QueryStatus } from '../app/status.js';
import type { RecoveryEvent } from '../app/supervise-streaming.js';
import { table } from './format.js';

const rate = (n: number | undefined) => (n === undefined ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const num = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-US'));

function queriesTable(queries: QueryStatus[]): string {
  return table(
    ['QUERY', 'STATE', 'BATCH', 'INPUT ROWS/S', 'PROCESSED ROWS/S', 'BATCH MS', 'BEHIND'],
    queries.map((q) => [
      q.name,
      q.exception ? 'failed' : q.active ? 'active' : 'stopped',
      num(q.batchId),
      rate(q.inputRowsPerSecond),
      rate(q.processedRowsPerSecond),
      num(q.batchDurationMs),
      num(q.behind),
    ]),
  );
}

/**
 * Every expected query (status.expected) with its state, and the figures of those that run; a query
 * in `queries` but not expected (an older definition) is listed too, never dropped.
 */
function expectedTable(status: PipelineStatus): string {
  const found = new Map(status.queries.map((q) => [q.name, q]));
  const rows = status.expected.map((e) => ({ ...(found.get(e.name) ?? { name: e.name, id: '', active: false }), state: e.state }));
  const extra = status.queries.filter((q) => !status.expected.some((e) => e.name === q.name));
  return table(
    ['QUERY', 'STATE', 'BATCH', 'INPUT ROWS/S', 'PROCESSED ROWS/S', 'BATCH MS', 'BEHIND'],
    [...rows, ...extra.map((q) => ({ ...q, state: q.exception ? 'failed' : q.active ? 'active (not expected)' : 'stopped' }))].map((q) => [
      q.name,
      q.state,
      num(q.batchId),
      rate(q.inputRowsPerSecond),
      rate(q.processedRowsPerSecond),
      num(q.batchDurationMs),
      num(q.behind),
    ]),
  );
}

/** The whole `stream status` view: every expected query, the supervisor, then what has landed in MongoDB. */
export function formatPipelineStatus(status: PipelineStatus): string {
  const lines: string[] = [];
  const notActive = status.expected.filter((e) => e.state !== 'active');
  if (status.session) lines.push(`Spark Connect session ${status.session.sessionId} (started ${status.session.startedAt})`);
  if (status.supervisor) {
    const s = status.supervisor.status;
    const failures = Object.entries(s?.failures ?? {}).map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(`supervised by pid ${status.supervisor.pid}${s ? ` (${s.state}; ${s.restarts} restarts${failures ? `; failures: ${failures}` : ''}; last report ${s.updatedAt})` : ' (starting)'}`);
  } else if (status.session) {
    lines.push('no supervisor runs: a query that stops stays stopped (`streamline stream start --detach` leaves one)');
  }
  if (!status.session && status.queries.length === 0 && !status.supervisor) {
    lines.push('no streaming queries are running (`streamline stream start` starts them)');
  }
  lines.push('', expectedTable(status));
  for (const q of status.expected.filter((q) => q.lastError && q.state !== 'active')) lines.push(`  ${q.name}: ${q.lastError}`);
  for (const q of status.queries.filter((q) => q.exception && !status.expected.some((e) => e.name === q.name))) lines.push(`  ${q.name}: ${q.exception}`);
  if (notActive.length) lines.push(`  ${notActive.length} of ${status.expected.length} expected queries not active: ${notActive.map((q) => `${q.name} (${q.state})`).join(', ')}`);
  if (status.kafkaError) lines.push(`  ${status.kafkaError}`);
  lines.push('', table(['COLLECTION', 'DOCUMENTS'], status.collections.map((c) => [c.collection, c.documents])));
  return lines.join('\n');
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** One line (or the progress table) per event of the foreground supervisor, stamped with `now`. */
export function formatRecoveryEvent(event: RecoveryEvent, now: Date): string {
  const at = now.toISOString();
  switch (event.type) {
    case 'report':
      return `\n${at}\n${queriesTable(event.reports)}`;
    case 'failed':
      return `${at} ${event.message}`;
    case 'restarting-driver':
      return `${at} the local Spark Connect server (${event.address}) died: starting it again...`;
    case 'driver-start-failed':
      return `${at} the Spark Connect server did not start (${event.message}); trying again`;
    case 'waiting':
      return `${at} still waiting (${seconds(event.elapsedMs)}): ${event.failure.kind === 'checkpoint-unwritable' ? `checkpoint dir ${event.failure.subject} is not writable` : `${event.failure.subject} does not answer`}`;
    case 'supervising':
      return `${at} supervising ${event.queries.join(', ')} (${event.adopted ? 'adopted the running queries' : 'started them'}; session ${event.session})`;
    case 'start-failed':
      return `${at} could not start or adopt the queries (${event.message}); trying again in ${seconds(event.retryInMs)}`;
    case 'resumed':
      return `${at} resumed ${event.queries} queries from their checkpoints after ${seconds(event.afterMs)} (restart ${event.attempt}${Number.isFinite(event.maxRestarts) ? ` of at most ${event.maxRestarts}` : ''}; session ${event.session})`;
  }
}
