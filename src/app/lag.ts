import type { StreamlineConfig } from '../config/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { PipelineFailedError, PipelineNotRunningError } from '../core/errors.js';
import { configuredKafkaAdmin, endOffsets, type EndOffsets } from '../kafka/index.js';
import { queryReport, type OffsetMap, type QueryReport, type TopicBinding } from '../stream/index.js';
import { usingService } from './services.js';
import { attachPipeline } from './streaming.js';

/**
 * Lag, one definition for `streamline lag`, `lag --wait` and the dashboard: per topic, Kafka's end
 * offsets (asked of the brokers now) minus the offsets in the query's latest progress report. Spark's
 * own `offsetsBehind` compares with the end offsets it saw when that batch was planned, so records
 * published since look like no lag at all.
 */

/** Per topic the query reads: records in Kafka past its read offsets; undefined before its first progress. */
export function lagByTopic(read: OffsetMap | undefined, end: EndOffsets): Record<string, number> | undefined {
  if (!read) return undefined;
  const lag: Record<string, number> = {};
  for (const [topic, partitions] of Object.entries(read)) {
    const ends = end[topic];
    if (!ends) continue;
    lag[topic] = Object.entries(ends).reduce((sum, [p, last]) => sum + Math.max(0, last - (partitions[p] ?? 0)), 0);
  }
  return Object.keys(lag).length ? lag : undefined;
}

export const totalLag = (byTopic: Record<string, number> | undefined): number | undefined =>
  byTopic ? Object.values(byTopic).reduce((a, b) => a + b, 0) : undefined;

/** Records not yet read, per query; `undefined` where Spark has not reported offsets yet. */
export type Lag = Array<{ query: string; behind: number | undefined; active: boolean; exception?: string }>;

export const lagOf = (queries: readonly QueryReport[], end: EndOffsets): Lag =>
  queries.map((q) => ({ query: q.name, behind: totalLag(lagByTopic(q.readOffsets, end)), active: q.active, ...(q.exception ? { exception: q.exception } : {}) }));

/** Caught up: every query active and known to be 0 records behind. */
export const caughtUp = (lag: Lag): boolean => lag.length > 0 && lag.every((q) => q.active && q.behind === 0);

/** The running pipeline's lag; fails when no pipeline is running or a query has stopped. */
export async function currentLag(config: StreamlineConfig, bindings: TopicBinding[]): Promise<Lag> {
  // Spark and Kafka are asked, not the store: lag is about offsets.
  const attached = await attachPipeline(config, bindings);
  if (!attached || attached.queries.length === 0) {
    attached?.spark.close();
    throw new PipelineNotRunningError('no streaming pipeline is running', { hint: 'start it with `streamline stream start --detach` (or `streamline demo`)' });
  }
  const reports = await Promise.all(attached.queries.map(queryReport)).finally(() => attached.spark.close());
  const admin = configuredKafkaAdmin(config, 'streamline-lag');
  const { endOffsets: ends } = await usingService(config, 'kafka', () => endOffsets(admin, bindings.map((b) => b.topic))).finally(() => admin.close().catch(() => undefined));
  const lag = lagOf(reports, ends);
  const stopped = lag.filter((q) => !q.active);
  if (stopped.length) throw new PipelineFailedError(`streaming queries stopped: ${stopped.map((q) => `${q.query}${q.exception ? ` (${q.exception})` : ''}`).join(', ')}`);
  return lag;
}

/**
 * Polls until the streaming queries have read everything published so far (their latest progress
 * reaches Kafka's end offsets, so those records are in the store), or fails at the deadline.
 */
export async function waitForCatchUp(
  config: StreamlineConfig,
  { timeoutMs, intervalMs = 2_000, clock = systemClock, onLag, bindings }: { timeoutMs: number; intervalMs?: number; clock?: Clock; onLag?: (lag: Lag) => void; bindings: TopicBinding[] },
): Promise<Lag> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const lag = await currentLag(config, bindings);
    onLag?.(lag);
    if (caughtUp(lag)) return lag;
    if (clock.now() >= deadline) {
      throw new PipelineFailedError(`the streaming queries did not catch up within ${timeoutMs} ms: ${lag.map((q) => `${q.query} ${q.behind ?? '?'} behind`).join(', ')}`);
    }
    await clock.sleep(intervalMs);
  }
}
