// Over 300 lines: the producer, its options and the client factory stay together, since the
// delivery loop's guarantees (one request in flight, same sequence numbers on a re-send) depend on how
// the client is configured (idempotent, acks=all, its own retries kept short).
import type { KafkaSasl } from '../config/index.js';
import {
  compatibilityPartitioner,
  ProduceAcks,
  Producer,
  stringSerializers,
  type ClusterMetadata,
  type MessageToProduce,
  type ProduceResult,
  type TopicWithPartitionAndOffset,
} from '@platformatic/kafka';
import { systemClock, type Clock } from './clock.js';
import { asError, bootstrapList, describeKafkaError, isWorthResending, partitionForKey, producedBeforeFailure } from './kafka-common.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import { batchDeadline, DeliveryTimeoutError, OutageTracker, resendDelayMs, type KafkaHealth } from './outage.js';

/**
 * Codecs that work out of the box on Node 20: gzip is zlib, lz4 and snappy are WebAssembly inside
 * @platformatic/wasm-utils. zstd is left out: the client uses zlib's zstd, which Node 20 lacks.
 */
export type Compression = 'none' | 'gzip' | 'lz4' | 'snappy';

export interface KafkaProducerOptions {
  /** host:port, or several (a string may be comma-separated). */
  bootstrapServers: string | readonly string[];
  clientId?: string;
  /** Default lz4: fast, and JSON compresses well with it. */
  compression?: Compression;
  /** How long a record may wait for companions before its batch is sent (ms). Default 5. */
  lingerMs?: number;
  /** Most records in one produce request. Default 2000. */
  maxBatchRecords?: number;
  /**
   * The client's retries of one request on retriable errors (leader moves, a dropped connection).
   * Default 3: longer trouble is ours to ride out (deliveryTimeoutMs), and a short client loop lets
   * the producer notice an outage within a second or so and pause fetching.
   */
  retries?: number;
  /** First retry delay (ms), for the client's retries and our re-sends; doubles per attempt up to 1 s. Default 100. */
  retryBackoffMs?: number;
  /**
   * How long a record may stay unacknowledged, counted from `send`, before it is reported failed
   * (Kafka's delivery.timeout.ms, same default: 2 minutes). See KafkaProducer for the re-send loop.
   */
  deliveryTimeoutMs?: number;
  /** How long the broker may wait for in-sync replicas before answering (ms). Default 30000. */
  ackTimeoutMs?: number;
  /** Client-side limit on one request round trip (ms). Default 30000. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** SASL/SCRAM credentials (config kafka.sasl). */
  sasl?: KafkaSasl;
}

/** The part of @platformatic/kafka's Producer this module uses; a seam for unit tests. */
export interface ProduceClient {
  send(options: { messages: MessageToProduce<string, string, string, string>[] }): Promise<ProduceResult>;
  /** What the last `send` learnt about the topics (`send` fetches metadata itself). */
  readonly currentMetadata: ClusterMetadata | undefined;
  initIdempotentProducer(options: Record<string, never>): Promise<unknown>;
  close(): Promise<void>;
}

export interface TopicFailure {
  count: number;
  lastError: string;
}

export interface ProducerStats {
  /** Records handed to `send`. */
  accepted: number;
  acknowledged: number;
  failed: number;
  /** Accepted but not yet acknowledged or failed. */
  pending: number;
  failures: Record<string, TopicFailure>;
}

interface PendingRecord {
  message: OutgoingMessage;
  /** Clock time of `send`; the delivery timeout counts from here. */
  acceptedAt: number;
  resolve(report: DeliveryReport): void;
}

const DEFAULTS = {
  clientId: 'streamline-producer',
  compression: 'lz4',
  lingerMs: 5,
  maxBatchRecords: 2000,
  retries: 3,
  retryBackoffMs: 100,
  deliveryTimeoutMs: 120_000,
  ackTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
} as const satisfies Partial<KafkaProducerOptions>;

const MAX_BACKOFF_MS = 1000;

/** What the producer needs besides the client; the clock and address only for timing and reporting outages. */
export type KafkaProducerTuning = Pick<KafkaProducerOptions, 'lingerMs' | 'maxBatchRecords' | 'deliveryTimeoutMs' | 'retryBackoffMs'> & {
  clock?: Clock;
  /** How progress lines name Kafka ("Kafka at <address> unreachable"). */
  address?: string;
};

/**
 * An idempotent, acks=all producer that batches records and reports every record's fate.
 *
 * The client does the partitioning (its Java-compatible partitioner), metadata and retries. What is
 * ours, because the client has no equivalent:
 * - per-record delivery reports (the client answers per request, with one base offset per partition);
 * - one request at a time: @platformatic/kafka 1.x reads a partition's sequence number when it builds
 *   a request and advances it only when the response arrives, so two concurrent requests to a
 *   partition carry the same sequence and the broker takes the later ones for duplicates: they
 *   "succeed" and are not written (seen on Kafka 4.1.1). Records that arrive while a request is in
 *   flight form the next batch, which is also where batching comes from under load;
 * - riding out an outage like Java's producer within delivery.timeout.ms: what the client gave up on
 *   (a timed-out request, which it never re-sends because the broker may have written it; a broker
 *   that is down) is sent again, the same records of the same batch, with the same producer id, so
 *   it carries the same sequence numbers (the client advances them only on success) and the broker
 *   drops a copy it already wrote. Later records wait behind it, so each partition keeps its order.
 *   Meanwhile `health()` reports the outage (the run pauses fetching on it);
 * - past the delivery timeout, counted from the batch's oldest record, the whole batch fails (a
 *   partial batch would carry sequence numbers the broker may already hold for other records) and
 *   the next batch first gets a new producer id: the broker may hold part of what was given up on.
 */
export class KafkaProducer {
  readonly #client: ProduceClient;
  readonly #lingerMs: number;
  readonly #maxBatchRecords: number;
  readonly #deliveryTimeoutMs: number;
  readonly #retryBackoffMs: number;
  readonly #clock: Clock;
  readonly #outage: OutageTracker;
  #queue: PendingRecord[] = [];
  #inFlight: Promise<void> | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #startScheduled = false;
  #closed = false;
  #renewProducerId = false;
  #accepted = 0;
  #acknowledged = 0;
  #failed = 0;
  readonly #failures = new Map<string, TopicFailure>();

  constructor(client: ProduceClient, options: KafkaProducerTuning = {}) {
    this.#client = client;
    this.#lingerMs = options.lingerMs ?? DEFAULTS.lingerMs;
    this.#maxBatchRecords = options.maxBatchRecords ?? DEFAULTS.maxBatchRecords;
    this.#deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULTS.deliveryTimeoutMs;
    this.#retryBackoffMs = options.retryBackoffMs ?? DEFAULTS.retryBackoffMs;
    this.#clock = options.clock ?? systemClock;
    this.#outage = new OutageTracker(options.address ?? 'the bootstrap servers', this.#clock);
    if (!(this.#maxBatchRecords >= 1)) throw new RangeError(`maxBatchRecords must be >= 1, got ${this.#maxBatchRecords}`);
    if (!(this.#deliveryTimeoutMs > 0)) throw new RangeError(`deliveryTimeoutMs must be > 0, got ${this.#deliveryTimeoutMs}`);
  }

  /** Queues a record; resolves when the broker acknowledged it or it finally failed. Never rejects. */
  send(message: OutgoingMessage): Promise<DeliveryReport> {
    this.#accepted++;
    return new Promise<DeliveryReport>((resolve) => {
      const record = { message, acceptedAt: this.#clock.now(), resolve };
      if (this.#closed) return this.#fail(record, new Error('producer is closed'));
      this.#queue.push(record);
      this.#schedule();
    });
  }

  /** Resolves once every record accepted so far (and any accepted meanwhile) is acknowledged or failed. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight) {
      this.#startBatch();
      await this.#inFlight;
    }
  }

  /** Flushes, then closes the connection. Records sent after close are reported as failed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.#client.close();
  }

  stats(): ProducerStats {
    return {
      accepted: this.#accepted,
      acknowledged: this.#acknowledged,
      failed: this.#failed,
      pending: this.#accepted - this.#acknowledged - this.#failed,
      failures: Object.fromEntries(this.#failures),
    };
  }

  /** Whether Kafka is away (since when, why) and how many records expired: the run's backpressure reads it. */
  health(): KafkaHealth {
    return this.#outage.health();
  }

  #schedule(): void {
    if (this.#inFlight) return; // the running batch picks the queue up when it completes
    if (this.#queue.length >= this.#maxBatchRecords) {
      this.#startBatch();
    } else if (this.#lingerMs <= 0) {
      // Still coalesce records sent in the same tick.
      if (this.#startScheduled) return;
      this.#startScheduled = true;
      queueMicrotask(() => {
        this.#startScheduled = false;
        this.#startBatch();
      });
    } else {
      this.#lingerTimer ??= setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#startBatch();
      }, this.#lingerMs);
    }
  }

  #startBatch(): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxBatchRecords);
    this.#inFlight = this.#deliver(batch).finally(() => {
      this.#inFlight = undefined;
      // Records that queued up behind this batch go out now: they have already waited a round trip.
      if (this.#queue.length > 0) this.#startBatch();
    });
  }

  /**
   * Sends one batch until every record is acknowledged, the error cannot be helped by sending again,
   * or the batch's delivery timeout passed; settles every record. Never throws.
   */
  async #deliver(batch: PendingRecord[]): Promise<void> {
    const deadline = batchDeadline(batch.map((r) => r.acceptedAt), this.#deliveryTimeoutMs);
    let remaining = batch;
    let failure: Error | undefined;
    for (let attempt = 1; remaining.length > 0; attempt++) {
      try {
        if (this.#renewProducerId) {
          await this.#client.initIdempotentProducer({});
          this.#renewProducerId = false;
        }
        const result = await this.#client.send({ messages: remaining.map(toClientMessage) });
        this.#acknowledge(remaining, result.offsets ?? []);
        remaining = [];
      } catch (error) {
        // Partitions on brokers that did answer were written; only the rest is sent again.
        remaining = this.#acknowledge(remaining, producedBeforeFailure(error)?.offsets ?? [], { onlyListed: true });
        if (remaining.length === 0) break;
        if (!isWorthResending(error)) {
          failure = asError(error);
          break;
        }
        this.#outage.failed(error);
        const left = deadline - this.#clock.now();
        if (left <= 0) {
          failure = new DeliveryTimeoutError(this.#deliveryTimeoutMs, asError(error));
          break;
        }
        await this.#clock.sleep(Math.min(resendDelayMs(this.#retryBackoffMs, attempt, MAX_BACKOFF_MS), left));
      }
    }
    if (remaining.length === 0) return;
    for (const record of remaining) this.#fail(record, failure as Error);
    if (failure instanceof DeliveryTimeoutError) this.#outage.expired(remaining.length);
    this.#renewProducerId = true;
  }

  /**
   * Resolves the records whose partition appears in `offsets` (each gets base offset + its index
   * within the partition) and returns the others; without `onlyListed` every record counts as written.
   */
  #acknowledge(records: PendingRecord[], offsets: TopicWithPartitionAndOffset[], { onlyListed = false } = {}): PendingRecord[] {
    const baseOffsets = new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, o.offset]));
    const indexInPartition = new Map<string, number>();
    const rest: PendingRecord[] = [];
    for (const record of records) {
      const { topic, key } = record.message;
      const partition = this.#partitionOf(record.message);
      const partitionKey = `${topic}:${partition}`;
      const base = baseOffsets.get(partitionKey);
      if (base === undefined && onlyListed) {
        rest.push(record);
        continue;
      }
      const index = indexInPartition.get(partitionKey) ?? 0;
      indexInPartition.set(partitionKey, index + 1);
      this.#acknowledged++;
      this.#outage.acknowledged();
      record.resolve({ ok: true, topic, key, partition: partition ?? -1, offset: base === undefined ? -1n : base + BigInt(index) });
    }
    return rest;
  }

  /** Where the client's partitioner put this record, from the partition count `send` looked up. */
  #partitionOf(message: OutgoingMessage): number | undefined {
    const partitions = this.#client.currentMetadata?.topics.get(message.topic)?.partitionsCount;
    return partitions ? partitionForKey(message.key, partitions) : undefined;
  }

  #fail(record: PendingRecord, error: Error): void {
    const topic = record.message.topic;
    this.#failed++;
    this.#failures.set(topic, { count: (this.#failures.get(topic)?.count ?? 0) + 1, lastError: describeKafkaError(error) });
    record.resolve({ ok: false, topic, key: record.message.key, error });
  }
}

function toClientMessage({ message }: PendingRecord): MessageToProduce<string, string, string, string> {
  const { topic, key, value, headers } = message;
  return { topic, key, value, headers: { ...headers } };
}

/** A connected-on-first-use producer: idempotent, acks=all, compressed, retried, batched, Java-compatible keys. */
export function createKafkaProducer(options: KafkaProducerOptions): KafkaProducer {
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULTS.retryBackoffMs;
  const client = new Producer<string, string, string, string>({
    clientId: options.clientId ?? DEFAULTS.clientId,
    bootstrapBrokers: bootstrapList(options.bootstrapServers),
    ...(options.sasl ? { sasl: options.sasl } : {}),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
    compression: options.compression ?? DEFAULTS.compression,
    retries: options.retries ?? DEFAULTS.retries,
    retryDelay: (_client, _operation, attempt) => resendDelayMs(retryBackoffMs, attempt, MAX_BACKOFF_MS),
    timeout: options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs,
    requestTimeout: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    autocreateTopics: false,
  });
  return new KafkaProducer(client, { ...options, address: bootstrapList(options.bootstrapServers).join(',') });
}
