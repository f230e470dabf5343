import type { DeadLetter } from '../model/index.js';
import type { Health } from '../runtime/index.js';
import { lagByTopic, totalLag } from '../app/lag.js';
import type { QueryReport } from '../stream/index.js';
import type { QueryState } from '../app/expected-queries.js';
import type { SupervisorStatus } from '../app/stream-supervisor.js';

/** One collector's latest result; a failed refresh keeps the last value and says why it is stale. */
export interface Section<T> {
  value?: T;
  error?: string;
  updatedAt?: string;
}

export interface ServiceView {
  name: string;
  title: string;
  address: string;
  health: Health;
  up: boolean;
  pid?: number;
  uptimeMs?: number;
  detail?: string;
}

export interface TopicView {
  topic: string;
  partitions: number;
  /** partition -> next offset to be written. */
  endOffsets: Record<string, number>;
  /** Sum of end offsets: records ever produced to the topic. */
  produced: number;
  producedPerSecond?: number;
}

/** A query as the dashboard reads it: every expected query, running or not (then with its state and last error). */
export interface AccountedQuery extends QueryReport {
  /** Absent for a running query that the pipeline definition does not expect (an older definition's). */
  state?: QueryState;
  lastError?: string;
}

/** The detached stream supervisor, when one runs (its status file; src/app/stream-supervisor.ts). */
export interface SupervisorView {
  pid: number;
  status?: SupervisorStatus;
}

export interface QueryView extends AccountedQuery {
  /** Lag per topic (src/app/lag.ts: Kafka end offsets minus the offsets in the query's latest progress). */
  lagByTopic?: Record<string, number>;
  lag?: number;
  /** Sum of the offsets the query has read (records it has consumed). */
  recordsRead?: number;
}

export interface CollectionView {
  collection: string;
  documents: number;
  growthPerSecond?: number;
}

export interface DeadLetterView {
  id: string;
  topic?: string;
  reason?: string;
  failedAt?: string;
  /** The raw value, cut to a preview. */
  preview?: string;
}

// Long enough for the display filter to parse and mask a record field by field; the page shows 160 (display.ts).
const PREVIEW_CHARS = 16_384;

/**
 * A stored dead letter as the page shows it. Read as Partial: the collection may hold documents written
 * before a field existed, and a page must show them rather than fail.
 */
export function deadLetterView(d: Partial<DeadLetter> & { _id: unknown }): DeadLetterView {
  const preview = typeof d.value === 'string' ? d.value.slice(0, PREVIEW_CHARS) : typeof d.value_base64 === 'string' ? `(base64) ${d.value_base64.slice(0, PREVIEW_CHARS)}` : undefined;
  return {
    id: String(d._id),
    topic: d.topic ?? undefined,
    reason: d.reason ?? undefined,
    failedAt: d.failed_at instanceof Date ? d.failed_at.toISOString() : undefined,
    preview,
  };
}

export interface LatestView {
  documents: { collection: string; document?: Record<string, unknown> }[];
  deadLetters: DeadLetterView[];
  /** How many dead letters came from each topic. */
  deadLettersByTopic: Record<string, number>;
}

export interface DashboardSnapshot {
  at: string;
  refreshMs: number;
  services: Section<ServiceView[]>;
  topics: Section<TopicView[]>;
  queries: Section<QueryView[]>;
  supervisor: Section<SupervisorView | null>;
  collections: Section<CollectionView[]>;
  latest: Section<LatestView>;
}

export interface HistoryPoint {
  /** Seconds since the epoch (uPlot's x axis). */
  t: number;
  producedPerSecond: number | null;
  writtenPerSecond: number | null;
  processedPerSecond: number | null;
  lag: number | null;
  batchDurationMs: number | null;
}

export function withLag(query: QueryReport, topics: TopicView[] | undefined): QueryView {
  const byTopic = topics ? lagByTopic(query.readOffsets, Object.fromEntries(topics.map((t) => [t.topic, t.endOffsets]))) : undefined;
  const recordsRead = query.readOffsets
    ? Object.values(query.readOffsets).reduce((sum, partitions) => sum + Object.values(partitions).reduce((a, b) => a + b, 0), 0)
    : undefined;
  return { ...query, lagByTopic: byTopic, lag: totalLag(byTopic), recordsRead };
}

/** (current - previous) / elapsed seconds; undefined without a previous sample or a real interval. */
export function perSecond(current: number, previous: number | undefined, elapsedMs: number): number | undefined {
  if (previous === undefined || elapsedMs <= 0) return undefined;
  return Math.max(0, ((current - previous) * 1000) / elapsedMs);
}

const sum = (values: (number | undefined)[]): number | null => {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
};

/** One chart point from a snapshot: end-to-end throughput, total lag, slowest batch. */
export function historyPoint(s: DashboardSnapshot): HistoryPoint {
  const queries = s.queries.value ?? [];
  const durations = queries.map((q) => q.batchDurationMs).filter((v): v is number => typeof v === 'number');
  return {
    t: Math.round(Date.parse(s.at) / 1000),
    producedPerSecond: sum((s.topics.value ?? []).map((t) => t.producedPerSecond)),
    writtenPerSecond: sum((s.collections.value ?? []).map((c) => c.growthPerSecond)),
    processedPerSecond: sum(queries.filter((q) => q.active).map((q) => q.processedRowsPerSecond)),
    lag: sum(queries.map((q) => q.lag)),
    batchDurationMs: durations.length ? Math.max(...durations) : null,
  };
}
