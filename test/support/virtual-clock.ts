// A discrete-event Clock for unit tests of the producer's pacing and scheduling.
import { setImmediate } from 'node:timers';
import type { Clock } from '../../src/core/clock.js';

interface VirtualTimer {
  at: number;
  order: number;
  resolve: () => void;
}

/**
 * A discrete-event clock for tests: `sleep` registers a timer, and once everything runnable has run
 * (a macrotask later) time jumps to the earliest timer and fires it. Concurrent sleepers therefore
 * wake in the same order, and at the same virtual times, as they would on a real clock.
 */
export class VirtualClock implements Clock {
  #now: number;
  #timers: VirtualTimer[] = [];
  #order = 0;
  #scheduled = false;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      };
      const timer: VirtualTimer = {
        at: this.#now + Math.max(0, ms),
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#scheduleNextFiring();
    });
  }

  /** Moves time forward without firing timers, e.g. to simulate slow work. */
  advance(ms: number): void {
    this.#now += ms;
  }

  #scheduleNextFiring(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#timers.length === 0) return;
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.#timers.shift() as VirtualTimer;
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      if (this.#timers.length > 0) this.#scheduleNextFiring();
    });
  }
}
