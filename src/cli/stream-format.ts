import type { PipelineStatus, QueryStatus } from '../app/status.js';
import type { RecoveryEvent } from '../app/supervise-streaming.js';
import { table } from './format.js';

const rate = (n: number | undefined) => (n === undefined ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const num = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-US'));

export function queriesTable(queries: QueryStatus[]): string {
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

/** The whole `stream status` view: queries, then what has landed in MongoDB. */
export function formatPipelineStatus(status: PipelineStatus): string {
  const lines: string[] = [];
  if (status.session) {
    lines.push(`Spark Connect session ${status.session.sessionId} (started ${status.session.startedAt})`, '');
    lines.push(queriesTable(status.queries));
    for (const q of status.queries.filter((q) => q.exception)) lines.push(`  ${q.name}: ${q.exception}`);
    if (status.kafkaError) lines.push(`  ${status.kafkaError}`);
  } else {
    lines.push('no streaming queries are running (`streamline stream start` starts them)');
  }
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
    case 'resumed':
      return `${at} resumed ${event.queries} queries from their checkpoints after ${seconds(event.afterMs)} (restart ${event.attempt} of at most ${event.maxRestarts}; session ${event.session})`;
  }
}
