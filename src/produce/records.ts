import type { KafkaSasl } from '../config/index.js';
import { createKafkaAdmin, ensureTopics, kafkaConnection, type EnsureTopicsReport, type TopicSettings } from '../kafka/index.js';
import type { PiiPolicy } from '../model/index.js';
import { topicEnvelopes } from '../pipeline/envelope.js';
import { getPath } from '../pipeline/paths.js';
import type { ResolvedPipeline } from '../pipeline/resolve.js';
import type { Position, SourcePage, SourceRuntime } from '../source/runtime.js';
import type { Clock } from '../core/clock.js';
import type { FetchBatch } from './feed.js';
import { createKafkaProducer } from './kafka-producer.js';
import { jsonMessage, type DeliveryReport, type OutgoingMessage } from './message.js';
import type { ProduceRunOptions } from './options.js';
import type { KafkaHealth } from './outage.js';
import { PositionTracker, readResumePoint, writeResumePoint, type ResumePoint, type TrackedPage } from './position.js';
import type { ProduceSummary } from './progress.js';
import { runProducer } from './run.js';

/** One source record on its way: normalised and protected, with what its messages and its page's position need. */
interface SourceItem {
  readonly record: unknown;
  readonly fetchedAt: string;
  readonly page: TrackedPage;
  readonly index: number;
  readonly seq: number;
  /** Messages the record makes (known once it is routed) and how many Kafka acknowledged. */
  expected?: number;
  acked: number;
}

export interface RecordRunOptions extends ProduceRunOptions {
  /** The resolved pipeline, restricted to the topics produced (selectTopics): their order is the summary's. */
  pipeline: ResolvedPipeline;
  source: SourceRuntime<unknown>;
  /** Records asked per page (randomUser's `results`; other sources page by their own size). */
  batchSize: number;
  /** The run's policy for the pipeline's `pii` rules (`--pii`, config produce.pii). Default keep. */
  pii?: PiiPolicy;
  piiSalt?: string;
  /** Drop a record whose key is in the duplicate window (for sources that may serve a record twice, like randomUser). Default false. */
  dedupe?: boolean;
  /** Where to start: the stored resume point of an earlier run. Default: the source's start. */
  resumeFrom?: ResumePoint;
  /** Called with the new resume point after every record of a page is acknowledged, and once at the end. */
  onPosition?: (point: ResumePoint) => void;
  maxPendingRecords?: number;
  dedupeWindowKeys?: number;
  dedupeWindowMs?: number;
}

/** What runRecords needs from Kafka, injected so it runs against fakes in unit tests. */
export interface RecordRunDeps {
  send: (message: OutgoingMessage) => Promise<DeliveryReport>;
  flush: () => Promise<void>;
  kafkaHealth?: () => KafkaHealth;
  clock?: Clock;
}

/**
 * Each topic's records of one source record (project, explode or pick, through `make`), keyed by the
 * pipeline's or the topic's key, in the envelope, as Kafka messages on the topic's Kafka name.
 */
function recordMessages(pipeline: ResolvedPipeline, label: string): (item: SourceItem) => OutgoingMessage[] {
  return (item) => {
    const meta = { source: label, fetchedAt: item.fetchedAt, producedAt: new Date().toISOString() };
    return pipeline.topics.flatMap((topic) => topicEnvelopes(topic, item.record, meta).map(({ key, envelope }) => jsonMessage(topic.kafkaTopic, key, envelope)));
  };
}

/**
 * The generic producer's core: reads the source page by page from the resume point, normalises and protects
 * each record, routes it to every topic of the pipeline, and follows which records Kafka acknowledged to move
 * the resume point (a page's position is handed to `onPosition` once all of its records are acknowledged).
 * Pacing, backpressure, outages and the summary are runProducer's, as for every run.
 */
export async function runRecords(options: RecordRunOptions, deps: RecordRunDeps): Promise<ProduceSummary> {
  const { pipeline, source } = options;
  const warn = options.onWarning ?? ((text: string) => console.warn(text));
  const privacy = { pii: options.pii ?? 'keep', ...(options.piiSalt === undefined ? {} : { piiSalt: options.piiSalt }) };
  const start = options.resumeFrom ?? { skip: 0 };
  const tracker = new PositionTracker(start);
  tracker.onPageDone = options.onPosition;
  const owners = new WeakMap<OutgoingMessage, SourceItem>();
  const toMessages = recordMessages(pipeline, source.label);
  const settle = (item: SourceItem): void => tracker.settle(item.page, item.index);

  // The reader of the source: one iterator, started again at the last page's position when a read failed
  // (the source's own retries are spent), so a failed page is asked for again, as the feed expects.
  let iterator: AsyncIterator<SourcePage> | undefined;
  let nextFrom: Position | undefined = start.from;
  let skip = start.skip;
  let demand = options.batchSize;
  let seq = 0;
  const fetchBatch: FetchBatch<SourceItem> = async (count, { signal }) => {
    demand = count + skip;
    iterator ??= source.pages(nextFrom, signal, () => demand)[Symbol.asyncIterator]();
    let result: IteratorResult<SourcePage>;
    try {
      result = await iterator.next();
    } catch (error) {
      iterator = undefined;
      throw error;
    }
    if (result.done) return { records: [], invalid: 0, end: true };
    const page = result.value;
    if (page.records.length === 0) {
      // Asked again, like a failed read: the feed counts an empty page as a failed fetch.
      iterator = undefined;
      return { records: [], invalid: 0 };
    }
    const skipped = Math.min(skip, page.records.length);
    skip -= skipped;
    const records = page.records.slice(skipped);
    const tracked = tracker.admit(nextFrom, page.position, records.length, skipped);
    nextFrom = page.position;
    const items: SourceItem[] = [];
    let invalid = 0;
    records.forEach((raw, index) => {
      const normalized = source.normalize(raw);
      if (normalized.ok) {
        items.push({ record: pipeline.protect(normalized.record, privacy), fetchedAt: page.fetchedAt, page: tracked, index, seq: seq++, acked: 0 });
        return;
      }
      invalid++;
      warn(`invalid record from ${source.label} (#${skipped + index} of the page): ${normalized.reason}`);
      tracker.settle(tracked, index);
    });
    return { records: items, invalid };
  };

  const summary = await runProducer<SourceItem>(
    { ...options, topics: pipeline.topics.map((topic) => topic.kafkaTopic), dedupe: options.dedupe ?? false },
    {
      fetchBatch,
      recordKey: (item) => {
        const key = pipeline.key === undefined ? undefined : getPath(item.record, pipeline.key);
        return typeof key === 'string' || typeof key === 'number' ? String(key) : `#${item.seq}`;
      },
      toMessages: (item) => {
        let messages: OutgoingMessage[];
        try {
          messages = toMessages(item);
        } catch (error) {
          // Skipped and counted invalid by the run: nothing of it will be sent, so it no longer holds the position.
          settle(item);
          throw error;
        }
        item.expected = messages.length;
        if (messages.length === 0) settle(item);
        for (const message of messages) owners.set(message, item);
        return messages;
      },
      recordsPerTopic: 'any',
      onDuplicate: settle,
      send: async (message) => {
        const report = await deps.send(message);
        const item = owners.get(message);
        if (report.ok && item !== undefined && ++item.acked === item.expected) settle(item);
        return report;
      },
      flush: deps.flush,
      ...(deps.kafkaHealth === undefined ? {} : { kafkaHealth: deps.kafkaHealth }),
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    },
  );
  options.onPosition?.(tracker.point());
  return summary;
}

/** Everything `streamline produce`, the demo and the DAG need to publish a pipeline's source records. */
export interface ProduceRecordsOptions extends Omit<RecordRunOptions, 'resumeFrom' | 'onPosition'> {
  bootstrapServers: string;
  /** SASL/SCRAM credentials for the admin and the producer (config kafka.sasl). */
  sasl?: KafkaSasl;
  topicSettings: TopicSettings;
  onTopics?: (report: EnsureTopicsReport) => void;
  /** How long Kafka may stay away before the records it holds are given up on (ms). Default 120000. */
  deliveryTimeoutMs?: number;
  /** Produce requests in flight at once (one idempotent producer each). Default 2. */
  inFlightRequests?: number;
  /**
   * The source position file (`.streamline/<pipeline>/source-position.json`): read at the start to resume
   * where the last run's acknowledged records end, written after every page is acknowledged and at the end.
   * Absent: the run reads the source from its start and stores nothing.
   */
  positionFile?: string;
}

/**
 * Creates the pipeline's topics if missing, then produces its source's records to them (runRecords) until
 * the source ends, count, duration or abort; returns once every record is acknowledged or reported failed.
 */
export async function produceRecords(options: ProduceRecordsOptions): Promise<ProduceSummary> {
  const topics = options.pipeline.topics.map((topic) => topic.kafkaTopic);
  const admin = createKafkaAdmin(kafkaConnection(options.bootstrapServers, options.sasl), 'streamline-admin');
  try {
    const report = await ensureTopics(admin, topics, options.topicSettings, { warn: options.onWarning });
    options.onTopics?.(report);
  } finally {
    await admin.close().catch(() => undefined);
  }
  const { positionFile } = options;
  const producer = createKafkaProducer({ bootstrapServers: options.bootstrapServers, sasl: options.sasl, deliveryTimeoutMs: options.deliveryTimeoutMs, inFlightRequests: options.inFlightRequests });
  try {
    return await runRecords(
      {
        ...options,
        ...(positionFile === undefined ? {} : { resumeFrom: readResumePoint(positionFile), onPosition: (point: ResumePoint) => writeResumePoint(positionFile, point) }),
      },
      { send: (message) => producer.send(message), flush: () => producer.flush(), kafkaHealth: () => producer.health() },
    );
  } finally {
    await producer.close();
  }
}
