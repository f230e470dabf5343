// One delivery lane of the producer: one client (one idempotent producer id), one request in flight,
// its records in the order they were sent. Why one request, and how a lane rides out an outage: the
// KafkaProducer comment in ./kafka-producer.ts.
import { asError, isWorthResending, partitionForKey, producedBeforeFailure, type ClientRecord, type ProduceClient, type TopicWithPartitionAndOffset } from '../kafka/index.js';
import { backoffMs, type Clock } from '../core/clock.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import { batchDeadline, DeliveryTimeoutError, type OutageTracker } from './outage.js';

export interface PendingRecord {
  message: OutgoingMessage;
  /** Clock time of `send`; the delivery timeout counts from here. */
  acceptedAt: number;
  /** Set when routed, from the topic's partition count; otherwise the client's partitioner chooses. */
  partition?: number;
  resolve(report: DeliveryReport): void;
}

/** What every lane of one producer shares: its settings, its clock, its outage view and its counters. */
export interface LaneContext {
  lingerMs: number;
  maxBatchRecords: number;
  deliveryTimeoutMs: number;
  retryBackoffMs: number;
  maxBackoffMs: number;
  clock: Clock;
  outage: OutageTracker;
  acknowledged(record: PendingRecord, report: DeliveryReport): void;
  failed(record: PendingRecord, error: Error): void;
}

export class DeliveryLane {
  readonly client: ProduceClient;
  readonly #ctx: LaneContext;
  #queue: PendingRecord[] = [];
  #inFlight: Promise<void> | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #startScheduled = false;
  #renewProducerId = false;

  constructor(client: ProduceClient, context: LaneContext) {
    this.client = client;
    this.#ctx = context;
  }

  push(record: PendingRecord): void {
    this.#queue.push(record);
    this.#schedule();
  }

  /** Records queued or in flight. */
  get busy(): boolean {
    return this.#queue.length > 0 || this.#inFlight !== undefined;
  }

  /** Resolves once every record pushed so far (and any pushed meanwhile) is settled. */
  async flush(): Promise<void> {
    while (this.busy) {
      this.#startBatch();
      await this.#inFlight;
    }
  }

  #schedule(): void {
    if (this.#inFlight) return; // the running batch picks the queue up when it completes
    if (this.#queue.length >= this.#ctx.maxBatchRecords) {
      this.#startBatch();
    } else if (this.#ctx.lingerMs <= 0) {
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
      }, this.#ctx.lingerMs);
    }
  }

  #startBatch(): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#ctx.maxBatchRecords);
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
    const { clock, outage, deliveryTimeoutMs } = this.#ctx;
    const deadline = batchDeadline(batch.map((r) => r.acceptedAt), deliveryTimeoutMs);
    let remaining = batch;
    let failure: Error | undefined;
    for (let attempt = 1; remaining.length > 0; attempt++) {
      try {
        if (this.#renewProducerId) {
          await this.client.initIdempotentProducer({});
          this.#renewProducerId = false;
        }
        const result = await this.client.send({ messages: remaining.map(toClientMessage) });
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
        outage.failed(error);
        const left = deadline - clock.now();
        if (left <= 0) {
          failure = new DeliveryTimeoutError(deliveryTimeoutMs, asError(error));
          break;
        }
        await clock.sleep(Math.min(backoffMs({ initialMs: this.#ctx.retryBackoffMs, maxMs: this.#ctx.maxBackoffMs }, attempt), left));
      }
    }
    if (remaining.length === 0) return;
    for (const record of remaining) this.#ctx.failed(record, failure as Error);
    if (failure instanceof DeliveryTimeoutError) outage.expired(remaining.length);
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
      const partition = record.partition ?? this.#partitionOf(record.message);
      const partitionKey = `${topic}:${partition}`;
      const base = baseOffsets.get(partitionKey);
      if (base === undefined && onlyListed) {
        rest.push(record);
        continue;
      }
      const index = indexInPartition.get(partitionKey) ?? 0;
      indexInPartition.set(partitionKey, index + 1);
      this.#ctx.outage.acknowledged();
      this.#ctx.acknowledged(record, { ok: true, topic, key, partition: partition ?? -1, offset: base === undefined ? -1n : base + BigInt(index) });
    }
    return rest;
  }

  /** Where the client's partitioner put this record, from the partition count `send` looked up. */
  #partitionOf(message: OutgoingMessage): number | undefined {
    const partitions = this.client.currentMetadata?.topics.get(message.topic)?.partitionsCount;
    return partitions ? partitionForKey(message.key, partitions) : undefined;
  }
}

function toClientMessage({ message, partition }: PendingRecord): ClientRecord {
  const { topic, key, value, headers } = message;
  return partition === undefined ? { topic, key, value, headers } : { topic, key, value, headers, partition };
}
