import { asError } from '../kafka/index.js';
import type { DeliveryReport, OutgoingMessage } from './message.js';
import type { TopicProgress } from './progress.js';
import type { Acknowledgement } from './ack-log.js';
import { recordDigest } from './digest.js';

/**
 * The records of one run that were handed to the producer: per-topic counts, the last failure per
 * topic, and the deliveries still in flight (for backpressure and the final wait).
 */
export class Deliveries {
  readonly topics: Record<string, TopicProgress>;
  readonly failureReasons: Record<string, string> = {};
  /** The keys of the records that failed, per topic: what the run gave up on, reported by id. */
  readonly failedKeys: Record<string, string[]> = {};
  readonly #pending = new Set<Promise<void>>();
  readonly #onSettled: () => void;

  readonly #onAcknowledged: ((ack: Acknowledgement) => void) | undefined;

  constructor(topics: readonly string[], onSettled: () => void, onAcknowledged?: (ack: Acknowledgement) => void) {
    this.topics = Object.fromEntries(topics.map((t) => [t, { dispatched: 0, produced: 0, failed: 0 }]));
    this.#onSettled = onSettled;
    this.#onAcknowledged = onAcknowledged;
  }

  /** Hands a record to `send` and tracks its fate; a rejection or throw counts as a failure of that record. */
  dispatch(message: OutgoingMessage, send: (message: OutgoingMessage) => Promise<DeliveryReport>): void {
    this.#progress(message.topic).dispatched++;
    const failed = (error: unknown): DeliveryReport => ({ ok: false, topic: message.topic, key: message.key, error: asError(error) });
    let delivery: Promise<DeliveryReport>;
    try {
      delivery = send(message).catch(failed);
    } catch (error) {
      delivery = Promise.resolve(failed(error));
    }
    const tracked: Promise<void> = delivery.then((report) => this.#settle(message, report)).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Waits while `limit` or more records are in flight: a slow broker slows fetching instead of growing memory. */
  async belowLimit(limit: number): Promise<void> {
    while (this.#pending.size >= limit) await Promise.race(this.#pending);
  }

  /** Waits until every record dispatched so far is settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  snapshot(): Record<string, TopicProgress> {
    return Object.fromEntries(Object.entries(this.topics).map(([t, p]) => [t, { ...p }]));
  }

  #settle(message: OutgoingMessage, report: DeliveryReport): void {
    const topic = message.topic;
    const progress = this.#progress(topic);
    if (report.ok) {
      progress.produced++;
      if (this.#onAcknowledged) {
        const digest = recordDigest(message.value);
        this.#onAcknowledged({ topic: report.topic, partition: report.partition, offset: String(report.offset), key: report.key, ...(digest ? { digest } : {}) });
      }
    } else {
      progress.failed++;
      this.failureReasons[topic] = report.error.message;
      (this.failedKeys[topic] ??= []).push(report.key);
    }
    this.#onSettled();
  }

  #progress(topic: string): TopicProgress {
    const progress = this.topics[topic];
    if (!progress) throw new Error(`a record for unconfigured topic ${topic}`);
    return progress;
  }
}
