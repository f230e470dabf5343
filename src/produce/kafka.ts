import {
  Admin,
  ProduceAcks,
  Producer,
  murmur2,
  stringSerializers,
  type ClusterMetadata,
  type CreateTopicsOptions,
  type CreatedTopic,
  type MessageToProduce,
  type ProduceResult,
  type TopicWithPartitionAndOffset,
} from '@platformatic/kafka';
import { systemClock, type Clock } from './clock.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';

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
  /** The client's own retries of one request on retriable errors (network, leader moves). Default 5. */
  retries?: number;
  /** First retry delay (ms); doubles per attempt up to 5 s. Default 100. */
  retryBackoffMs?: number;
  /**
   * How often a batch is re-sent, with the same producer id and sequence numbers, after the client
   * gave up (e.g. a request timed out). Safe: the broker discards a batch it already wrote. Default 3.
   */
  deliveryAttempts?: number;
  /** How long the broker may wait for in-sync replicas before answering (ms). Default 30000. */
  ackTimeoutMs?: number;
  /** Client-side limit on one request round trip (ms). Default 30000. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Where re-sends are reported (trouble the producer still expects to overcome). Default console.warn. */
  warn?: (message: string) => void;
}

/** The part of @platformatic/kafka's Producer this module uses; a seam for unit tests. */
export interface ProduceClient {
  send(options: { messages: MessageToProduce<string, string, string, string>[] }): Promise<ProduceResult>;
  metadata(options: { topics: string[] }): Promise<ClusterMetadata>;
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
  /** Fixed at acceptance so a re-sent batch is identical to the first attempt. */
  timestamp: bigint;
  partition?: number;
  resolve(report: DeliveryReport): void;
}

const DEFAULTS = {
  clientId: 'streamline-producer',
  compression: 'lz4',
  lingerMs: 5,
  maxBatchRecords: 2000,
  retries: 5,
  retryBackoffMs: 100,
  deliveryAttempts: 3,
  ackTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
} as const satisfies Partial<KafkaProducerOptions>;

const MAX_BACKOFF_MS = 5000;

/** `a:1,b:2` or ['a:1', 'b:2'] -> ['a:1', 'b:2']. */
export function bootstrapList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('Kafka bootstrap servers: expected host:port[,host:port...], got nothing');
  return list;
}

/** The partition Java clients choose for this key (murmur2, sign bit masked), so keyed data lines up across producers. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

function backoffMs(base: number, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempt - 1));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Kafka errors from the client carry `findBy`; a protocol error knows whether the broker would accept a retry. */
interface KafkaErrorLike {
  findBy?(property: string, value: unknown): (Error & { canRetry?: boolean; apiId?: string }) | null;
  produced?: ProduceResult;
}

/** Errors that re-sending cannot fix: bad input, or the broker refusing for good (too large, unauthorised...). */
function isWorthRetrying(error: unknown): boolean {
  const kafkaError = error as KafkaErrorLike;
  if (typeof kafkaError.findBy !== 'function') return true;
  if (kafkaError.findBy('code', 'PLT_KFK_USER')) return false;
  const protocolError = kafkaError.findBy('code', 'PLT_KFK_PROTOCOL');
  return !(protocolError && protocolError.canRetry === false);
}

/** A compact, single-line reason for summaries: the innermost messages of an aggregate error. */
export function describeKafkaError(error: unknown): string {
  const e = asError(error);
  const inner = e instanceof AggregateError ? e.errors.map(describeKafkaError).filter(Boolean) : [];
  const unique = [...new Set(inner)];
  return unique.length > 0 ? `${e.message}: ${unique.join('; ')}` : e.message;
}

/**
 * An idempotent, acks=all producer that batches records and reports every record's fate.
 *
 * Why one request at a time: @platformatic/kafka 1.x reads a partition's sequence number when it
 * builds a request and advances it only when the response arrives, so two concurrent requests to a
 * partition carry the same sequence and the broker takes the later ones for duplicates: they
 * "succeed" and are not written (seen on Kafka 4.1.1). Records that arrive while a request is in
 * flight form the next batch, which is also where batching comes from under load.
 */
export class KafkaProducer {
  readonly #client: ProduceClient;
  readonly #options: Required<Pick<KafkaProducerOptions, 'lingerMs' | 'maxBatchRecords' | 'retryBackoffMs' | 'deliveryAttempts' | 'warn'>>;
  readonly #sleep: Clock['sleep'];
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

  constructor(client: ProduceClient, options: Omit<KafkaProducerOptions, 'bootstrapServers'> = {}, sleep: Clock['sleep'] = systemClock.sleep) {
    this.#client = client;
    this.#sleep = sleep;
    this.#options = {
      lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
      maxBatchRecords: options.maxBatchRecords ?? DEFAULTS.maxBatchRecords,
      retryBackoffMs: options.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
      deliveryAttempts: options.deliveryAttempts ?? DEFAULTS.deliveryAttempts,
      warn: options.warn ?? ((message) => console.warn(message)),
    };
    if (!(this.#options.maxBatchRecords >= 1)) throw new RangeError(`maxBatchRecords must be >= 1, got ${this.#options.maxBatchRecords}`);
    if (!(this.#options.deliveryAttempts >= 1)) throw new RangeError(`deliveryAttempts must be >= 1, got ${this.#options.deliveryAttempts}`);
  }

  /** Queues a record; resolves when the broker acknowledged it or it finally failed. Never rejects. */
  send(message: OutgoingMessage): Promise<DeliveryReport> {
    if (this.#closed) {
      const error = new Error('producer is closed');
      this.#recordFailure(message.topic, error);
      this.#accepted++;
      return Promise.resolve({ ok: false, topic: message.topic, key: message.key, error });
    }
    return new Promise<DeliveryReport>((resolve) => {
      this.#accepted++;
      this.#queue.push({ message, timestamp: BigInt(Date.now()), resolve });
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

  #schedule(): void {
    if (this.#inFlight) return; // the running batch picks the queue up when it completes
    if (this.#queue.length >= this.#options.maxBatchRecords) {
      this.#startBatch();
    } else if (this.#options.lingerMs <= 0) {
      // Still coalesce records sent in the same tick.
      if (!this.#startScheduled) {
        this.#startScheduled = true;
        queueMicrotask(() => {
          this.#startScheduled = false;
          this.#startBatch();
        });
      }
    } else {
      this.#lingerTimer ??= setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#startBatch();
      }, this.#options.lingerMs);
    }
  }

  #startBatch(): void {
    if (this.#lingerTimer) {
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = undefined;
    }
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#options.maxBatchRecords);
    this.#inFlight = this.#deliver(batch).finally(() => {
      this.#inFlight = undefined;
      // Records that queued up behind this batch go out now: they have already waited a round trip.
      if (this.#queue.length > 0) this.#startBatch();
    });
  }

  /** Sends one batch until every record is acknowledged or has used up its attempts. Never throws. */
  async #deliver(batch: PendingRecord[]): Promise<void> {
    let remaining = batch;
    let lastError: Error = new Error('not sent');
    for (let attempt = 1; attempt <= this.#options.deliveryAttempts && remaining.length > 0; attempt++) {
      if (attempt > 1) await this.#sleep(backoffMs(this.#options.retryBackoffMs, attempt - 1));
      try {
        if (this.#renewProducerId) {
          await this.#client.initIdempotentProducer({});
          this.#renewProducerId = false;
        }
        await this.#assignPartitions(remaining);
        const result = await this.#client.send({ messages: remaining.map(toClientMessage) });
        remaining = this.#acknowledge(remaining, result.offsets ?? [], true);
      } catch (error) {
        lastError = asError(error);
        // Partitions on brokers that did answer were written; only the rest is re-sent.
        remaining = this.#acknowledge(remaining, (error as KafkaErrorLike).produced?.offsets ?? [], false);
        if (!isWorthRetrying(error)) break;
        if (attempt < this.#options.deliveryAttempts) {
          this.#options.warn(`kafka producer: ${remaining.length} records not acknowledged (attempt ${attempt} of ${this.#options.deliveryAttempts}), re-sending: ${describeKafkaError(error)}`);
        }
      }
    }
    if (remaining.length === 0) return;
    for (const record of remaining) this.#fail(record, lastError);
    // The broker may have written some of what we gave up on. Continuing with the same producer id
    // and sequence numbers could make it reject, or discard as a duplicate, a later batch; a new
    // producer id starts clean. The next batch gets it first (and fails if it cannot).
    this.#renewProducerId = true;
  }

  async #assignPartitions(records: PendingRecord[]): Promise<void> {
    const topics = [...new Set(records.filter((r) => r.partition === undefined).map((r) => r.message.topic))];
    if (topics.length === 0) return;
    const metadata = await this.#client.metadata({ topics });
    for (const record of records) {
      if (record.partition !== undefined) continue;
      const partitions = metadata.topics.get(record.message.topic)?.partitionsCount;
      if (!partitions) throw new Error(`no metadata for topic ${record.message.topic}`);
      // Chosen once, here, so a re-sent record keeps its partition (and its place in the sequence).
      record.partition = partitionForKey(record.message.key, partitions);
    }
  }

  /**
   * Resolves the records whose partition appears in `offsets` (each gets base offset + its index
   * within the partition) and returns the others. `all` means the whole request succeeded.
   */
  #acknowledge(records: PendingRecord[], offsets: TopicWithPartitionAndOffset[], all: boolean): PendingRecord[] {
    const baseOffsets = new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, o.offset]));
    const indexInPartition = new Map<string, number>();
    const rest: PendingRecord[] = [];
    for (const record of records) {
      const partitionKey = `${record.message.topic}:${record.partition}`;
      const base = baseOffsets.get(partitionKey);
      if (base === undefined && !all) {
        rest.push(record);
        continue;
      }
      const index = indexInPartition.get(partitionKey) ?? 0;
      indexInPartition.set(partitionKey, index + 1);
      this.#acknowledged++;
      record.resolve({
        ok: true,
        topic: record.message.topic,
        key: record.message.key,
        partition: record.partition as number,
        offset: base === undefined ? -1n : base + BigInt(index),
      });
    }
    return rest;
  }

  #fail(record: PendingRecord, error: Error): void {
    this.#recordFailure(record.message.topic, error);
    record.resolve({ ok: false, topic: record.message.topic, key: record.message.key, error });
  }

  #recordFailure(topic: string, error: Error): void {
    this.#failed++;
    const previous = this.#failures.get(topic);
    this.#failures.set(topic, { count: (previous?.count ?? 0) + 1, lastError: describeKafkaError(error) });
  }
}

function toClientMessage(record: PendingRecord): MessageToProduce<string, string, string, string> {
  const { topic, key, value, headers } = record.message;
  return { topic, key, value, headers: { ...headers }, partition: record.partition, timestamp: record.timestamp };
}

/** A connected-on-first-use producer: idempotent, acks=all, compressed, retried, batched. */
export function createKafkaProducer(options: KafkaProducerOptions): KafkaProducer {
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULTS.retryBackoffMs;
  const client = new Producer<string, string, string, string>({
    clientId: options.clientId ?? DEFAULTS.clientId,
    bootstrapBrokers: bootstrapList(options.bootstrapServers),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: options.compression ?? DEFAULTS.compression,
    retries: options.retries ?? DEFAULTS.retries,
    retryDelay: (_client, _operation, attempt) => backoffMs(retryBackoffMs, attempt),
    timeout: options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs,
    requestTimeout: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    autocreateTopics: false,
  });
  return new KafkaProducer(client, options);
}

// ---------------------------------------------------------------------------------------------
// Topics

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** The part of @platformatic/kafka's Admin that ensureTopics uses. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(options: CreateTopicsOptions): Promise<CreatedTopic[]>;
  metadata(options: { topics: string[]; forceUpdate?: boolean }): Promise<ClusterMetadata>;
}

export interface EnsureTopicsOptions {
  warn?: (message: string) => void;
  /** How long to wait for every partition of the topics to have a leader (ms). Default 30000. */
  readyTimeoutMs?: number;
  sleep?: Clock['sleep'];
}

export interface EnsureTopicsReport {
  created: string[];
  existing: string[];
  /** Existing topics whose layout differs from the settings (also passed to `warn`). */
  warnings: string[];
}

export function createKafkaAdmin(bootstrapServers: string | readonly string[], clientId = 'streamline-admin'): Admin {
  return new Admin({ clientId, bootstrapBrokers: bootstrapList(bootstrapServers) });
}

function validateTopicSettings(settings: TopicSettings): void {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`topic setting ${name} must be a whole number >= 1, got ${value}`);
  }
  if (settings.minInsyncReplicas > settings.replicationFactor) {
    // The broker accepts this, but cannot honour it: older brokers refuse every acks=all write with
    // NOT_ENOUGH_REPLICAS, and Kafka 4 quietly caps it at the replication factor (seen on 4.1.1).
    throw new RangeError(
      `topic setting minInsyncReplicas (${settings.minInsyncReplicas}) must not exceed replicationFactor (${settings.replicationFactor}): the broker cannot honour it`,
    );
  }
}

/**
 * Creates the topics that are missing (with `min.insync.replicas`), tolerates ones that exist or
 * appear concurrently, warns where an existing topic's layout differs, and waits until every
 * partition has a leader so the first produce does not race the controller.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  topics: readonly string[],
  settings: TopicSettings,
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsReport> {
  validateTopicSettings(settings);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const sleep = options.sleep ?? systemClock.sleep;
  const wanted = [...new Set(topics)];
  const present = new Set(await admin.listTopics());
  const created: string[] = [];
  const existing = wanted.filter((topic) => present.has(topic));

  // One request per topic so a concurrent creator failing one of them cannot hide the others' outcome.
  for (const topic of wanted.filter((t) => !present.has(t))) {
    try {
      await admin.createTopics({
        topics: [topic],
        partitions: settings.partitions,
        replicas: settings.replicationFactor,
        configs: [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }],
      });
      created.push(topic);
    } catch (error) {
      if (!(error as KafkaErrorLike).findBy?.('apiId', 'TOPIC_ALREADY_EXISTS')) {
        throw new Error(`could not create topic ${topic}: ${describeKafkaError(error)}`, { cause: error });
      }
      existing.push(topic);
    }
  }

  const metadata = await waitForLeaders(admin, wanted, options.readyTimeoutMs ?? 30_000, sleep);
  const warnings: string[] = [];
  for (const topic of existing) {
    const layout = metadata.topics.get(topic);
    if (!layout) continue;
    if (layout.partitionsCount !== settings.partitions) {
      warnings.push(`topic ${topic} exists with ${layout.partitionsCount} partitions, configured ${settings.partitions}; using it as it is`);
    }
    const replicas = layout.partitions[0]?.replicas.length;
    if (replicas !== undefined && replicas !== settings.replicationFactor) {
      warnings.push(`topic ${topic} exists with replication factor ${replicas}, configured ${settings.replicationFactor}; using it as it is`);
    }
  }
  for (const warning of warnings) warn(warning);
  return { created, existing, warnings };
}

async function waitForLeaders(admin: TopicAdmin, topics: string[], timeoutMs: number, sleep: Clock['sleep']): Promise<ClusterMetadata> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no metadata yet';
  for (let attempt = 1; ; attempt++) {
    try {
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      const leaderless = topics.filter((topic) => {
        const layout = metadata.topics.get(topic);
        return !layout || layout.partitions.length === 0 || layout.partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) return metadata;
      problem = `partitions without a leader in ${leaderless.join(', ')}`;
    } catch (error) {
      problem = describeKafkaError(error);
    }
    if (Date.now() >= deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${problem}`);
    await sleep(Math.min(1000, 50 * attempt));
  }
}
