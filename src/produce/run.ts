import { systemClock, type Clock } from '../core/clock.js';
import { Deliveries } from './deliveries.js';
import { DedupeWindow, latest, pushBounded } from './dedupe-window.js';
import { RecordFeed, type FetchBatch } from './feed.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import type { ProduceRunOptions } from './options.js';
import { KafkaGate } from './backpressure.js';
import type { KafkaHealth } from './outage.js';
import { RateLimiter, validateInterval } from './pacing.js';
import type { ProduceSummary, ProgressState, StopReason } from './progress.js';
import { randomSeed } from './random.js';
import { planLanes, runLane, type Lane, type LaneEnd, type TickOutcome } from './scheduler.js';

export interface RunProducerOptions extends ProduceRunOptions {
  /** The configured topics, in order; every source record yields its records on them (exactly one each by default). */
  topics: readonly string[];
  /** Records per fetch. Required here: the callers know what suits their source. */
  batchSize: number;
  /** Stop fetching while this many records await acknowledgement: the memory bound. Default 10000. */
  maxPendingRecords?: number;
  /** Give up after this many failed fetches in a row (the API client already retried each). Default 10. */
  maxConsecutiveFetchFailures?: number;
  /** Least time between two progress events (ms). Default 500. */
  progressIntervalMs?: number;
  /** Keys remembered for the duplicate check (config produce.dedupeWindowKeys). Default 100000. */
  dedupeWindowKeys?: number;
  /** Forget remembered keys after this long too (config produce.dedupeWindowMs). Default: by count only. */
  dedupeWindowMs?: number;
  /** Drop a record whose key is in the duplicate window. Default true; false for sources whose records are versions of a key. */
  dedupe?: boolean;
}

/** Fetch gaps kept per lane and overall for the summary: the latest ones (a run may last for weeks). */
const MAX_RECORDED_GAPS = 10_000;

/** Everything runProducer needs from the outside, injected so it runs against fakes in tests. */
export interface RunProducerDeps<R> {
  fetchBatch: FetchBatch<R>;
  recordKey: (record: R) => string;
  /** The record's messages: one per configured topic, or any number for a pipeline's explode topics (recordsPerTopic `any`). */
  toMessages: (record: R) => OutgoingMessage[];
  /** `one` (default): a source record whose messages are not exactly one per topic is skipped; `any`: a pipeline's explode topics make 0..n. */
  recordsPerTopic?: 'one' | 'any';
  /** Called with each record dropped as a duplicate (it never reaches toMessages). */
  onDuplicate?: (record: R) => void;
  /** Resolves with the record's fate; a rejection is counted as a failure of that record. */
  send: (message: OutgoingMessage) => Promise<DeliveryReport>;
  /** Waits until everything sent so far is acknowledged or failed. */
  flush: () => Promise<void>;
  /**
   * Whether Kafka is away: fetching pauses while it is (the records in hand wait in the producer),
   * and the run stops once records expired (the producer gave up on them). Default: always fine.
   */
  kafkaHealth?: () => KafkaHealth;
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
  if (options.interval) validateInterval(options.interval);
}

/** A source record whose messages do not match the lane's topics one to one; skipped and counted invalid. */
class RoutingError extends Error {}

function messagesForLane(messages: OutgoingMessage[], lane: Lane, known: Record<string, unknown>, perTopic: 'one' | 'any'): OutgoingMessage[] {
  const unknown = messages.find((m) => !(m.topic in known));
  if (unknown) throw new RoutingError(`a record for unconfigured topic ${unknown.topic}`);
  const selected = messages.filter((m) => lane.topics.includes(m.topic));
  if (perTopic === 'any') return selected;
  const missing = lane.topics.filter((topic) => selected.filter((m) => m.topic === topic).length !== 1);
  if (missing.length > 0) throw new RoutingError(`not exactly one record for topic(s) ${missing.join(', ')}`);
  return selected;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The state of one run, shared by its lanes. */
class ProducerRun<U> {
  readonly clock: Clock;
  readonly startedAt: number;
  readonly deadline: number | undefined;
  readonly seed: string;
  readonly warn: (message: string) => void;
  /** Our own stop (the API is dead) ends the lanes like Ctrl-C but is reported differently. */
  readonly internalStop = new AbortController();
  readonly signal: AbortSignal;
  readonly lanes: Lane[];
  readonly feed: RecordFeed<U>;
  readonly deliveries: Deliveries;
  /** Records the router could not project, remembered (a bounded window) to count and warn once even when several lanes trip over one. */
  readonly unroutable: DedupeWindow;
  unroutableCount = 0;
  readonly gapsByLane: Record<string, number[]>;
  readonly fetchGapsMs: number[] = [];
  fatalFetchError: string | undefined;
  /** Fetching waits here while Kafka is away. */
  readonly kafkaGate: KafkaGate;
  /** The most records awaiting acknowledgement at once (what the producer held in memory). */
  maxInFlight = 0;
  #lastProgressAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly options: RunProducerOptions,
    readonly deps: RunProducerDeps<U>,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.deadline = options.durationMs === undefined ? undefined : this.startedAt + options.durationMs;
    this.seed = options.seed ?? randomSeed();
    this.warn = options.onWarning ?? ((text: string) => console.warn(text));
    this.signal = options.signal ? AbortSignal.any([options.signal, this.internalStop.signal]) : this.internalStop.signal;
    this.lanes = planLanes(options.topics, options.pacing ?? 'together', options.interval, this.seed);
    this.gapsByLane = Object.fromEntries(this.lanes.map((l) => [l.name, []]));
    this.feed = new RecordFeed<U>({
      fetchBatch: deps.fetchBatch,
      recordKey: deps.recordKey,
      batchSize: options.batchSize,
      seed: this.seed,
      readers: this.lanes.map((l) => l.name),
      limit: options.count,
      signal: this.signal,
      dedupe: options.dedupe === false ? false : { maxKeys: options.dedupeWindowKeys ?? 100_000, maxAgeMs: options.dedupeWindowMs, now: () => this.clock.now() },
      ...(deps.onDuplicate === undefined ? {} : { onDuplicate: deps.onDuplicate }),
    });
    this.unroutable = new DedupeWindow({ maxIds: 10_000, now: () => this.clock.now() });
    this.deliveries = new Deliveries(options.topics, () => this.emitProgress(), options.onAcknowledged);
    this.kafkaGate = new KafkaGate({
      health: deps.kafkaHealth ?? (() => ({ expired: 0 })),
      clock: this.clock,
      signal: this.signal,
      stopped: () => this.stopped(),
      onPaused: () => this.emitProgress(),
      onGaveUp: () => this.internalStop.abort(),
    });
  }

  stopped(): boolean {
    return this.signal.aborted || (this.deadline !== undefined && this.clock.now() >= this.deadline);
  }

  snapshot(): ProgressState {
    const stats = this.feed.stats();
    const topics = this.noteInFlight();
    const outage = this.deps.kafkaHealth?.().outage;
    return {
      elapsedMs: this.clock.now() - this.startedAt,
      fetched: stats.fetched,
      invalid: stats.invalid + this.unroutableCount,
      duplicates: stats.duplicates,
      fetchErrors: stats.fetchErrors,
      topics,
      ...(outage ? { kafkaOutage: { ...outage, fetchingPaused: this.kafkaGate.paused } } : {}),
    };
  }

  noteInFlight(): ProgressState['topics'] {
    const topics = this.deliveries.snapshot();
    const inFlight = Object.values(topics).reduce((sum, p) => sum + p.dispatched - p.produced - p.failed, 0);
    this.maxInFlight = Math.max(this.maxInFlight, inFlight);
    return topics;
  }

  emitProgress(force = false): void {
    if (!this.options.onProgress) return;
    const now = this.clock.now();
    if (!force && now - this.#lastProgressAt < (this.options.progressIntervalMs ?? 500)) return;
    this.#lastProgressAt = now;
    this.options.onProgress(this.snapshot());
  }

  recordGap(lane: Lane, gapMs: number): void {
    pushBounded(this.gapsByLane[lane.name] as number[], gapMs, MAX_RECORDED_GAPS);
    pushBounded(this.fetchGapsMs, gapMs, MAX_RECORDED_GAPS);
  }
}

/** Fetches the lane's next records; when the fetch failed, what the lane does next instead. */
async function fetchForLane<U>(run: ProducerRun<U>, lane: Lane, wanted: number): Promise<U[] | TickOutcome> {
  try {
    return await run.feed.next(lane.name, wanted);
  } catch (error) {
    if (run.signal.aborted) return 'continue';
    const stats = run.feed.stats();
    run.warn(`fetch failed (${stats.consecutiveFailures} in a row): ${message(error)}`);
    if (stats.consecutiveFailures < (run.options.maxConsecutiveFetchFailures ?? 10)) return 'retry';
    run.fatalFetchError ??= stats.lastFetchError;
    run.internalStop.abort();
    return 'done';
  }
}

/** The record's messages for this lane, or undefined (with a warning, once per record) when they do not fit. */
function routeRecord<U>(run: ProducerRun<U>, lane: Lane, record: U): OutgoingMessage[] | undefined {
  try {
    return messagesForLane(run.deps.toMessages(record), lane, run.deliveries.topics, run.deps.recordsPerTopic ?? 'one');
  } catch (error) {
    const key = run.deps.recordKey(record);
    if (!run.unroutable.seenBefore(key)) {
      run.unroutableCount++;
      run.warn(`record ${key} skipped: ${message(error)}`);
    }
    return undefined;
  }
}

/** One lane's tick: fetch a page, pace and route its records, dispatch their records, apply backpressure. */
function laneTick<U>(run: ProducerRun<U>, lane: Lane): () => Promise<TickOutcome> {
  const { count, batchSize, rate } = run.options;
  const limiter = rate === undefined ? undefined : new RateLimiter({ ratePerSec: rate }, run.clock);
  let dispatched = 0;
  return async () => {
    const wanted = count === undefined ? batchSize : Math.min(batchSize, count - dispatched);
    if (wanted <= 0 || run.feed.drained(lane.name)) return 'done';
    if (!(await run.kafkaGate.pass())) return 'continue'; // the lane loop sees why and ends
    const fetched = await fetchForLane(run, lane, wanted);
    if (!Array.isArray(fetched)) return fetched;
    if (fetched.length === 0 && run.feed.drained(lane.name)) return 'done';
    for (const record of fetched) {
      if (limiter) await limiter.take(1, run.signal);
      if (run.stopped()) return 'continue'; // the lane loop sees why and ends
      const messages = routeRecord(run, lane, record);
      if (!messages) continue; // the lane fetches a replacement
      for (const outgoing of messages) run.deliveries.dispatch(outgoing, run.deps.send);
      dispatched++;
    }
    run.noteInFlight();
    run.emitProgress();
    await run.deliveries.belowLimit(run.options.maxPendingRecords ?? 10_000);
    return count !== undefined && dispatched >= count ? 'done' : 'continue';
  };
}

function stopReason<U>(run: ProducerRun<U>, ends: LaneEnd[]): StopReason {
  if (run.fatalFetchError !== undefined) return 'fetch-failed';
  if (run.kafkaGate.gaveUp) return 'kafka-gave-up';
  if (run.options.signal?.aborted) return 'aborted';
  if (!ends.every((end) => end === 'done')) return 'duration';
  return run.lanes.every((lane) => run.feed.drained(lane.name)) ? 'source-end' : 'count';
}

function summarize<U>(run: ProducerRun<U>, ends: LaneEnd[]): ProduceSummary {
  const final = run.snapshot();
  const { lastFetchError } = run.feed.stats();
  return {
    seed: run.seed,
    fetched: final.fetched,
    invalid: final.invalid,
    duplicates: final.duplicates,
    fetchErrors: final.fetchErrors,
    ...(lastFetchError === undefined ? {} : { lastFetchError }),
    produced: Object.fromEntries(Object.entries(final.topics).map(([t, p]) => [t, p.produced])),
    failed: Object.fromEntries(Object.entries(final.topics).map(([t, p]) => [t, p.failed])),
    failureReasons: run.deliveries.failureReasons,
    failedKeys: run.deliveries.failedKeys,
    fetchPausedMs: run.kafkaGate.pausedMs(),
    maxInFlight: run.maxInFlight,
    elapsedMs: final.elapsedMs,
    aborted: run.options.signal?.aborted ?? false,
    stopReason: stopReason(run, ends),
    fetchGapsMs: latest(run.fetchGapsMs, MAX_RECORDED_GAPS),
    gapsByLane: Object.fromEntries(Object.entries(run.gapsByLane).map(([lane, gaps]) => [lane, latest(gaps, MAX_RECORDED_GAPS)])),
  };
}

/**
 * Pulls source records page by page, paces them, routes each to its topics and sends the messages; stops on
 * count, duration, abort or a dead API, then waits for every record in flight (without count and
 * duration: until aborted, in flat memory). With dedupe, every record goes to each topic at most once within
 * the duplicate window (the latest dedupeWindowKeys keys); every message ends up counted as produced or failed.
 */
export async function runProducer<U>(options: RunProducerOptions, deps: RunProducerDeps<U>): Promise<ProduceSummary> {
  validateOptions(options);
  const run = new ProducerRun(options, deps);
  const ends = await Promise.all(
    run.lanes.map((lane) =>
      runLane(lane, laneTick(run, lane), { clock: run.clock, signal: run.signal, deadline: run.deadline, onGap: (gapMs) => run.recordGap(lane, gapMs) }),
    ),
  );
  // Everything dispatched is awaited, also after Ctrl-C: the summary reports only settled records.
  try {
    await deps.flush();
  } catch (error) {
    run.warn(`flush failed: ${message(error)}`);
  }
  await run.deliveries.settled();
  run.emitProgress(true);
  return summarize(run, ends);
}
