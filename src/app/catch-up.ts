import type { StreamlineConfig } from '../config/index.js';
import { systemClock, type Clock } from '../produce/index.js';
import { bindTopics, queryReport, type QueryReport } from '../stream/index.js';
import { RuntimeError } from '../runtime/index.js';
import { attachPipeline } from './streaming.js';

/** Records not yet read, per query; `undefined` where Spark has not reported offsets yet. */
export type Lag = Array<{ query: string; behind: number | undefined; active: boolean; exception?: string }>;

export const lagOf = (queries: readonly QueryReport[]): Lag =>
  queries.map((q) => ({ query: q.name, behind: q.offsetsBehind, active: q.active, ...(q.exception ? { exception: q.exception } : {}) }));

/** Caught up: every query active and known to be 0 records behind. */
export const caughtUp = (lag: Lag): boolean => lag.length > 0 && lag.every((q) => q.active && q.behind === 0);

/** The running pipeline's lag; fails when no pipeline is running or a query has stopped. */
export async function currentLag(config: StreamlineConfig): Promise<Lag> {
  // Only Spark is asked (not the store, as `stream status` does): lag is about Kafka offsets.
  const attached = await attachPipeline(config, bindTopics(config.topics));
  if (!attached || attached.queries.length === 0) {
    attached?.spark.close();
    throw new RuntimeError('no streaming pipeline is running', 'start it with `streamline stream start --detach` (or `streamline demo`)');
  }
  const lag = await Promise.all(attached.queries.map(queryReport))
    .then(lagOf)
    .finally(() => attached.spark.close());
  const stopped = lag.filter((q) => !q.active);
  if (stopped.length) throw new RuntimeError(`streaming queries stopped: ${stopped.map((q) => `${q.query}${q.exception ? ` (${q.exception})` : ''}`).join(', ')}`);
  return lag;
}

/**
 * Polls until the streaming queries have read everything published (lag 0 on two polls in a row, so
 * a progress report older than the last records does not count), or fails at the deadline.
 */
export async function waitForCatchUp(
  config: StreamlineConfig,
  { timeoutMs, intervalMs = 2_000, clock = systemClock, onLag }: { timeoutMs: number; intervalMs?: number; clock?: Clock; onLag?: (lag: Lag) => void },
): Promise<Lag> {
  const deadline = Date.now() + timeoutMs;
  let zeroInARow = 0;
  for (;;) {
    const lag = await currentLag(config);
    onLag?.(lag);
    zeroInARow = caughtUp(lag) ? zeroInARow + 1 : 0;
    if (zeroInARow >= 2) return lag;
    if (Date.now() >= deadline) {
      throw new RuntimeError(`the streaming queries did not catch up within ${timeoutMs} ms: ${lag.map((q) => `${q.query} ${q.behind ?? '?'} behind`).join(', ')}`);
    }
    await clock.sleep(intervalMs);
  }
}
