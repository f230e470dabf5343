import { systemClock, type Clock } from './clock.js';
import { UserFeed, type FetchBatch } from './feed.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import { RateLimiter, validateInterval, type IntervalSpec } from './pacing.js';
import type { ProduceSummary, ProgressState, StopReason, TopicProgress } from './progress.js';
import { randomSeed } from './random.js';
import { planLanes, runLane, type Lane, type LaneEnd, type PacingMode, type TickOutcome } from './scheduler.js';

export interface RunProducerOptions {
  /** The configured topics, in order; every user yields exactly one record for each. */
  topics: readonly string[];
  /** Users to produce (per topic). Without count or duration the run lasts until the signal aborts. */
  count?: number;
  durationMs?: number;
  /** Upper bound in users per second, i.e. records per second on each topic. */
  rate?: number;
  /** Users per fetch (the API's `results`). */
  batchSize: number;
  pacing: { mode: PacingMode; interval?: IntervalSpec };
  /** Seeds both the API pages and the pacing; generated (and reported) when absent. */
  seed?: string;
  /** Ctrl-C: stops taking users, then waits for every record in flight. */
  signal?: AbortSignal;
  /** Stop fetching while this many records await acknowledgement. Default 10000. */
  maxPendingRecords?: number;
  /** Give up after this many failed fetches in a row (the API client already retried each). Default 10. */
  maxConsecutiveFetchFailures?: number;
  /** Least time between two progress events (ms). Default 500. */
  progressIntervalMs?: number;
  onProgress?: (state: ProgressState) => void;
  /** Fetch failures and users the router rejected. Default console.warn. */
  onWarning?: (message: string) => void;
}

/** Everything runProducer needs from the outside, injected so it runs against fakes in tests. */
export interface RunProducerDeps<U> {
  fetchBatch: FetchBatch<U>;
  userId: (user: U) => string;
  /** One record per configured topic for this user (see createRouter). */
  toMessages: (user: U) => OutgoingMessage[];
  /** Resolves with the record's fate; a rejection is counted as a failure of that record. */
  send: (message: OutgoingMessage) => Promise<DeliveryReport>;
  /** Waits until everything sent so far is acknowledged or failed. */
  flush: () => Promise<void>;
  clock?: Clock;
}

function validateOptions(options: RunProducerOptions): void {
  const wholeNumber = (name: string, value: number | undefined): void => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
  };
  if (options.topics.length === 0) throw new Error('no topics to produce to');
  if (new Set(options.topics).size !== options.topics.length) throw new Error(`topic list has duplicates: ${options.topics.join(', ')}`);
  wholeNumber('count', options.count);
  wholeNumber('batchSize', options.batchSize);
  wholeNumber('maxPendingRecords', options.maxPendingRecords);
  wholeNumber('maxConsecutiveFetchFailures', options.maxConsecutiveFetchFailures);
  if (options.durationMs !== undefined && !(options.durationMs > 0)) throw new RangeError(`duration must be > 0 ms, got ${options.durationMs}`);
  if (options.rate !== undefined && !(options.rate > 0 && Number.isFinite(options.rate))) throw new RangeError(`rate must be > 0 per second, got ${options.rate}`);
  if (options.pacing.interval) validateInterval(options.pacing.interval);
}

/** A user whose records do not match the lane's topics one to one; skipped and counted invalid. */
class RoutingError extends Error {}

function messagesForLane(messages: OutgoingMessage[], lane: Lane, known: Record<string, unknown>): OutgoingMessage[] {
  const unknown = messages.find((m) => !(m.topic in known));
  if (unknown) throw new RoutingError(`a record for unconfigured topic ${unknown.topic}`);
  const selected = messages.filter((m) => lane.topics.includes(m.topic));
  const missing = lane.topics.filter((topic) => selected.filter((m) => m.topic === topic).length !== 1);
  if (missing.length > 0) throw new RoutingError(`not exactly one record for topic(s) ${missing.join(', ')}`);
  return selected;
}

/**
 * Pulls users page by page, paces them, routes each to its topics and sends the records; stops on
 * count, duration, abort or a dead API, then waits for every record in flight. Every user goes to
 * each topic at most once (deduplicated by id within the run); every record ends up counted as
 * produced or failed.
 */
export async function runProducer<U>(options: RunProducerOptions, deps: RunProducerDeps<U>): Promise<ProduceSummary> {
  validateOptions(options);
  const clock = deps.clock ?? systemClock;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const seed = options.seed ?? randomSeed();
  const { count, batchSize } = options;
  const maxPending = options.maxPendingRecords ?? 10_000;
  const maxFetchFailures = options.maxConsecutiveFetchFailures ?? 10;
  const progressIntervalMs = options.progressIntervalMs ?? 500;

  const startedAt = clock.now();
  const deadline = options.durationMs === undefined ? undefined : startedAt + options.durationMs;
  // Our own stop (the API is dead) ends the lanes like Ctrl-C but is reported differently.
  const internalStop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, internalStop.signal]) : internalStop.signal;

  const lanes = planLanes(options.topics, options.pacing.mode, options.pacing.interval, seed);
  const feed = new UserFeed<U>({ fetchBatch: deps.fetchBatch, userId: deps.userId, batchSize, seed, readers: lanes.map((l) => l.name), limit: count, signal });
  const topics: Record<string, TopicProgress> = Object.fromEntries(options.topics.map((t) => [t, { dispatched: 0, produced: 0, failed: 0 }]));
  const failureReasons: Record<string, string> = {};
  const unroutable = new Set<string>();
  const pending = new Set<Promise<void>>();
  const gapsByLane: Record<string, number[]> = Object.fromEntries(lanes.map((l) => [l.name, []]));
  const fetchGapsMs: number[] = [];
  let fatalFetchError: string | undefined;
  let lastProgressAt = Number.NEGATIVE_INFINITY;

  const snapshot = (): ProgressState => {
    const stats = feed.stats();
    return {
      elapsedMs: clock.now() - startedAt,
      fetched: stats.fetched,
      invalid: stats.invalid + unroutable.size,
      duplicates: stats.duplicates,
      fetchErrors: stats.fetchErrors,
      topics: Object.fromEntries(Object.entries(topics).map(([t, p]) => [t, { ...p }])),
    };
  };
  const emitProgress = (force = false): void => {
    if (!options.onProgress) return;
    const now = clock.now();
    if (!force && now - lastProgressAt < progressIntervalMs) return;
    lastProgressAt = now;
    options.onProgress(snapshot());
  };

  const settle = (topic: string, report: DeliveryReport): void => {
    const progress = topics[topic] as TopicProgress;
    if (report.ok) {
      progress.produced++;
    } else {
      progress.failed++;
      failureReasons[topic] = report.error.message;
    }
    emitProgress();
  };

  const dispatch = (message: OutgoingMessage): void => {
    (topics[message.topic] as TopicProgress).dispatched++;
    let delivery: Promise<void>;
    try {
      delivery = deps.send(message).then(
        (report) => settle(message.topic, report),
        (error: unknown) => settle(message.topic, { ok: false, topic: message.topic, key: message.key, error: error instanceof Error ? error : new Error(String(error)) }),
      );
    } catch (error) {
      delivery = Promise.resolve(settle(message.topic, { ok: false, topic: message.topic, key: message.key, error: error instanceof Error ? error : new Error(String(error)) }));
    }
    const tracked = delivery.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  const stopped = (): boolean => signal.aborted || (deadline !== undefined && clock.now() >= deadline);

  const laneTick = (lane: Lane): (() => Promise<TickOutcome>) => {
    const limiter = options.rate === undefined ? undefined : new RateLimiter({ ratePerSec: options.rate }, clock);
    let dispatchedUsers = 0;
    return async () => {
      const wanted = count === undefined ? batchSize : Math.min(batchSize, count - dispatchedUsers);
      if (wanted <= 0) return 'done';
      let users: U[];
      try {
        users = await feed.next(lane.name, wanted);
      } catch (error) {
        if (signal.aborted) return 'continue';
        const stats = feed.stats();
        warn(`fetch failed (${stats.consecutiveFailures} in a row): ${error instanceof Error ? error.message : String(error)}`);
        if (stats.consecutiveFailures >= maxFetchFailures) {
          fatalFetchError ??= stats.lastFetchError;
          internalStop.abort();
          return 'done';
        }
        return 'retry';
      }
      for (const user of users) {
        if (limiter) await limiter.take(1, signal);
        if (stopped()) return 'continue'; // the lane loop sees why and ends
        const id = deps.userId(user);
        let records: OutgoingMessage[];
        try {
          records = messagesForLane(deps.toMessages(user), lane, topics);
        } catch (error) {
          // Counted once per user even when several lanes trip over it; the lane fetches a replacement.
          if (!unroutable.has(id)) {
            unroutable.add(id);
            warn(`user ${id} skipped: ${error instanceof Error ? error.message : String(error)}`);
          }
          continue;
        }
        for (const record of records) dispatch(record);
        dispatchedUsers++;
      }
      emitProgress();
      // Backpressure: a slow broker slows fetching instead of growing memory.
      while (pending.size >= maxPending) await Promise.race(pending);
      return count !== undefined && dispatchedUsers >= count ? 'done' : 'continue';
    };
  };

  const ends: LaneEnd[] = await Promise.all(
    lanes.map((lane) =>
      runLane(lane, laneTick(lane), {
        clock,
        signal,
        deadline,
        onGap: (gapMs) => {
          (gapsByLane[lane.name] as number[]).push(gapMs);
          fetchGapsMs.push(gapMs);
        },
      }),
    ),
  );

  // Everything dispatched is awaited, also after Ctrl-C: the summary reports only settled records.
  try {
    await deps.flush();
  } catch (error) {
    warn(`flush failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await Promise.allSettled([...pending]);

  const aborted = options.signal?.aborted ?? false;
  const stopReason: StopReason = fatalFetchError !== undefined ? 'fetch-failed' : aborted ? 'aborted' : ends.every((end) => end === 'done') ? 'count' : 'duration';
  const final = snapshot();
  emitProgress(true);
  const stats = feed.stats();
  return {
    seed,
    fetched: final.fetched,
    invalid: final.invalid,
    duplicates: final.duplicates,
    fetchErrors: final.fetchErrors,
    ...(stats.lastFetchError === undefined ? {} : { lastFetchError: stats.lastFetchError }),
    produced: Object.fromEntries(Object.entries(final.topics).map(([t, p]) => [t, p.produced])),
    failed: Object.fromEntries(Object.entries(final.topics).map(([t, p]) => [t, p.failed])),
    failureReasons,
    elapsedMs: final.elapsedMs,
    aborted,
    stopReason,
    fetchGapsMs,
    gapsByLane,
  };
}
