import type { Clock } from '../core/clock.js';
import type { KafkaHealth } from './outage.js';

/** How often a paused lane looks at Kafka again (and refreshes the progress line). */
const KAFKA_POLL_MS = 250;

export interface KafkaGateOptions {
  health: () => KafkaHealth;
  clock: Clock;
  /** True once the run should end (count, duration, Ctrl-C, or this gate's own `onGaveUp`). */
  stopped: () => boolean;
  signal?: AbortSignal;
  /** Called on every look while paused: the progress line shows the outage. */
  onPaused?: () => void;
  /** The producer gave up on records (Kafka away past the delivery timeout): the run should stop. */
  onGaveUp: () => void;
}

/**
 * Fetching's gate while Kafka is away: a lane waits here before each fetch, so the run takes no more
 * records than the producer already holds (a seeded source's may be random and not fetched again), and counts
 * the time it waited.
 */
export class KafkaGate {
  #pausedSince: number | undefined;
  #pausedMs = 0;
  #gaveUp = false;

  constructor(private readonly options: KafkaGateOptions) {}

  get paused(): boolean {
    return this.#pausedSince !== undefined;
  }

  get gaveUp(): boolean {
    return this.#gaveUp;
  }

  /** Fetching time lost to Kafka so far, the current pause included. */
  pausedMs(): number {
    return this.#pausedMs + (this.#pausedSince === undefined ? 0 : this.options.clock.now() - this.#pausedSince);
  }

  /** Resolves when Kafka is fine again or the run stops; false when the lane should stop. */
  async pass(): Promise<boolean> {
    const { health, clock, stopped, signal, onPaused, onGaveUp } = this.options;
    for (;;) {
      const { outage, expired } = health();
      if (expired > 0 && !this.#gaveUp) {
        this.#gaveUp = true;
        onGaveUp();
      }
      if (!outage || stopped()) break;
      this.#pausedSince ??= clock.now();
      onPaused?.();
      await clock.sleep(KAFKA_POLL_MS, signal);
    }
    if (this.#pausedSince !== undefined) {
      this.#pausedMs += clock.now() - this.#pausedSince;
      this.#pausedSince = undefined;
    }
    return !stopped();
  }
}
