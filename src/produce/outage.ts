import type { Clock } from '../core/clock.js';
import { describeKafkaError, isKafkaUnreachable } from '../kafka/index.js';

/** Kafka not acknowledging anything since `forMs` ago: what the progress line and the run's backpressure see. */
export interface KafkaOutage {
  /** The bootstrap address, as configured. */
  address: string;
  forMs: number;
  /** True when nothing answered (connection refused or closed); false when brokers answered with errors. */
  unreachable: boolean;
  lastError: string;
}

/** The producer's view of Kafka for the run: fetching pauses during an outage; the run ends once records expired. */
export interface KafkaHealth {
  outage?: KafkaOutage;
  /** Records given up on because the delivery timeout passed (over the whole run). */
  expired: number;
}

/** A record (with the batch it went out in) that Kafka did not acknowledge within the delivery timeout. */
export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly lastError: Error,
  ) {
    super(`not acknowledged within the delivery timeout of ${Math.round(timeoutMs / 1000)} s (produce.deliveryTimeoutMs, --delivery-timeout); last error: ${describeKafkaError(lastError)}`);
  }
}

/**
 * Whether Kafka is away, since when and why: set by the first failed send, cleared by the next
 * acknowledgement. Time comes from the injected clock, so unit tests run on virtual time.
 */
export class OutageTracker {
  #since: number | undefined;
  #lastError: unknown;
  #expired = 0;

  constructor(
    readonly address: string,
    private readonly clock: Clock,
  ) {}

  failed(error: unknown): void {
    this.#since ??= this.clock.now();
    this.#lastError = error;
  }

  acknowledged(): void {
    this.#since = undefined;
    this.#lastError = undefined;
  }

  expired(records: number): void {
    this.#expired += records;
  }

  health(): KafkaHealth {
    if (this.#since === undefined) return { expired: this.#expired };
    const outage: KafkaOutage = {
      address: this.address,
      forMs: this.clock.now() - this.#since,
      unreachable: isKafkaUnreachable(this.#lastError),
      lastError: describeKafkaError(this.#lastError),
    };
    return { outage, expired: this.#expired };
  }
}

/** When a batch expires: the delivery timeout counted from its oldest record's acceptance (Java's delivery.timeout.ms). */
export const batchDeadline = (acceptedAt: readonly number[], timeoutMs: number): number => Math.min(...acceptedAt) + timeoutMs;
