// The producer and its options: the delivery guarantees (one request in flight per producer id, same
// sequence numbers on a re-send: ./delivery-lane.ts) depend on how the client is configured
// (idempotent, acks=all: src/kafka/producer.ts; its own retries kept short: here).
import type { KafkaSasl } from '../config/index.js';
import { createProduceClient, describeKafkaError, kafkaConnection, partitionForKey, type Compression, type ProduceClient } from '../kafka/index.js';
import { backoffMs, systemClock, type Clock } from '../core/clock.js';
import { DeliveryLane, type PendingRecord } from './delivery-lane.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import { OutageTracker, type KafkaHealth } from './outage.js';

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
   * Produce requests in flight at once, each from its own idempotent producer (lane); each partition
   * is sent to by one lane, so its records stay in order. Default 2.
   */
  inFlightRequests?: number;
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

const DEFAULTS = {
  clientId: 'streamline-producer',
  compression: 'lz4',
  lingerMs: 5,
  maxBatchRecords: 2000,
  inFlightRequests: 2,
  retries: 3,
  retryBackoffMs: 100,
  deliveryTimeoutMs: 120_000,
  ackTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
} as const satisfies Partial<KafkaProducerOptions>;

// The pause before re-sending a batch doubles per attempt up to this. The cap is low (like the Java
// producer's retry.backoff.max.ms) so a broker that is back is used within a second.
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
 * The client does the metadata, the encoding and the retries; the partition (Kafka's Java rule) is
 * chosen once, when a record is routed to its lane, and travels with it. What is ours, because the
 * client has no equivalent:
 * - per-record delivery reports (the client answers per request, with one base offset per partition);
 * - one request in flight per client: @platformatic/kafka 1.x reads a partition's sequence number when
 *   it builds a request and advances it only when the response arrives, so two concurrent requests to
 *   a partition from one producer id carry the same sequence and the broker takes the later ones for
 *   duplicates: they "succeed" and are not written (seen on Kafka 4.1.1). Requests overlap across
 *   lanes instead: each lane (./delivery-lane.ts) is a client with a producer id of its own, so its
 *   sequences are its own, and a key always maps to one lane, so each key's records stay in order
 *   (Kafka orders per partition; Java's producer orders what one instance sends to it, ours what one
 *   key sends, which is what a keyed consumer sees). Records that arrive while a lane's request is in
 *   flight form its next batch, which is also where batching comes from under load;
 * - riding out an outage like Java's producer within delivery.timeout.ms: what the client gave up on
 *   (a timed-out request, which it never re-sends because the broker may have written it; a broker
 *   that is down) is sent again, the same records of the same batch, with the same producer id, so
 *   it carries the same sequence numbers (the client advances them only on success) and the broker
 *   drops a copy it already wrote. Later records of the lane wait behind it, so each partition keeps
 *   its order. Meanwhile `health()` reports the outage (the run pauses fetching on it);
 * - past the delivery timeout, counted from the batch's oldest record, the whole batch fails (a
 *   partial batch would carry sequence numbers the broker may already hold for other records) and
 *   the lane's next batch first gets a new producer id: the broker may hold part of what was given up on.
 */
export class KafkaProducer {
  readonly #lanes: DeliveryLane[];
  readonly #clock: Clock;
  readonly #outage: OutageTracker;
  #closed = false;
  #accepted = 0;
  #acknowledged = 0;
  #failed = 0;
  readonly #failures = new Map<string, TopicFailure>();
  /** Partition count per topic, once known; 0 = unknown for good: the topic keeps to the first lane. */
  readonly #partitions = new Map<string, number>();
  /** Records of topics whose partition count is being looked up, in the order they were sent. */
  readonly #awaitingLayout = new Map<string, PendingRecord[]>();
  readonly #lookups = new Set<Promise<void>>();

  /** One lane per client: pass several clients to have as many requests in flight. */
  constructor(clients: ProduceClient | readonly ProduceClient[], options: KafkaProducerTuning = {}) {
    const maxBatchRecords = options.maxBatchRecords ?? DEFAULTS.maxBatchRecords;
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULTS.deliveryTimeoutMs;
    if (!(maxBatchRecords >= 1)) throw new RangeError(`maxBatchRecords must be >= 1, got ${maxBatchRecords}`);
    if (!(deliveryTimeoutMs > 0)) throw new RangeError(`deliveryTimeoutMs must be > 0, got ${deliveryTimeoutMs}`);
    this.#clock = options.clock ?? systemClock;
    this.#outage = new OutageTracker(options.address ?? 'the bootstrap servers', this.#clock);
    const context = {
      lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
      maxBatchRecords,
      deliveryTimeoutMs,
      retryBackoffMs: options.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
      maxBackoffMs: MAX_BACKOFF_MS,
      clock: this.#clock,
      outage: this.#outage,
      acknowledged: (record: PendingRecord, report: DeliveryReport) => {
        this.#acknowledged++;
        record.resolve(report);
      },
      failed: (record: PendingRecord, error: Error) => this.#fail(record, error),
    };
    const list = Array.isArray(clients) ? clients : [clients as ProduceClient];
    if (list.length === 0) throw new RangeError('KafkaProducer needs at least one client');
    this.#lanes = list.map((client) => new DeliveryLane(client, context));
  }

  /** Queues a record; resolves when the broker acknowledged it or it finally failed. Never rejects. */
  send(message: OutgoingMessage): Promise<DeliveryReport> {
    this.#accepted++;
    return new Promise<DeliveryReport>((resolve) => {
      const record = { message, acceptedAt: this.#clock.now(), resolve };
      if (this.#closed) return this.#fail(record, new Error('producer is closed'));
      this.#route(record);
    });
  }

  /** Resolves once every record accepted so far (and any accepted meanwhile) is acknowledged or failed. */
  async flush(): Promise<void> {
    while (this.#lookups.size > 0 || this.#lanes.some((lane) => lane.busy)) {
      await Promise.all([...this.#lookups]);
      await Promise.all(this.#lanes.map((lane) => lane.flush()));
    }
  }

  /** Flushes, then closes the connections. Records sent after close are reported as failed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await Promise.all(this.#lanes.map((lane) => lane.client.close()));
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

  /**
   * Each record gets its partition here, once (the lane and the client use it as is), and goes to the
   * lane that partition belongs to; until the topic's partition count is known its records wait.
   */
  #route(record: PendingRecord): void {
    const { topic, key } = record.message;
    const partitions = this.#partitions.get(topic);
    if (partitions === 0) return (this.#lanes[0] as DeliveryLane).push(record);
    if (partitions !== undefined) {
      record.partition = partitionForKey(key, partitions);
      return (this.#lanes[laneIndex(topic, record.partition, this.#lanes.length)] as DeliveryLane).push(record);
    }
    const waiting = this.#awaitingLayout.get(topic);
    if (waiting) return void waiting.push(record);
    this.#awaitingLayout.set(topic, [record]);
    const lookup = this.#lookUpPartitions(topic).finally(() => this.#lookups.delete(lookup));
    this.#lookups.add(lookup);
  }

  async #lookUpPartitions(topic: string): Promise<void> {
    // A topic whose layout cannot be had now (it does not exist, Kafka is away) is sent by the first lane
    // alone for the rest of the run, partitioned by the client: its records stay in order, and that
    // lane reports what goes wrong.
    const metadata = await (this.#lanes[0] as DeliveryLane).client.metadata({ topics: [topic] }).catch(() => undefined);
    this.#partitions.set(topic, metadata?.topics.get(topic)?.partitionsCount ?? 0);
    const waiting = this.#awaitingLayout.get(topic) ?? [];
    this.#awaitingLayout.delete(topic);
    for (const record of waiting) this.#route(record);
  }

  #fail(record: PendingRecord, error: Error): void {
    const topic = record.message.topic;
    this.#failed++;
    this.#failures.set(topic, { count: (this.#failures.get(topic)?.count ?? 0) + 1, lastError: describeKafkaError(error) });
    record.resolve({ ok: false, topic, key: record.message.key, error });
  }
}

/** The lane a topic's partition belongs to: consecutive partitions on consecutive lanes, from a per-topic start. */
function laneIndex(topic: string, partition: number, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) hash = Math.imul(hash ^ topic.charCodeAt(i), 0x01000193);
  return ((hash >>> 0) + partition) % lanes;
}

/** A connected-on-first-use producer: idempotent, acks=all, compressed, retried, batched, Java-compatible keys. */
export function createKafkaProducer(options: KafkaProducerOptions): KafkaProducer {
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULTS.retryBackoffMs;
  const lanes = options.inFlightRequests ?? DEFAULTS.inFlightRequests;
  if (!(Number.isInteger(lanes) && lanes >= 1)) throw new RangeError(`inFlightRequests must be a whole number >= 1, got ${lanes}`);
  const connection = kafkaConnection(options.bootstrapServers, options.sasl);
  const newClient = () =>
    createProduceClient(connection, {
      clientId: options.clientId ?? DEFAULTS.clientId,
      compression: options.compression ?? DEFAULTS.compression,
      retries: options.retries ?? DEFAULTS.retries,
      retryDelayMs: (attempt) => backoffMs({ initialMs: retryBackoffMs, maxMs: MAX_BACKOFF_MS }, attempt),
      ackTimeoutMs: options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    });
  return new KafkaProducer(Array.from({ length: lanes }, newClient), { ...options, address: connection.bootstrapBrokers.join(',') });
}
