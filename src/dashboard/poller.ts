import { systemClock, withTimeout } from '../core/clock.js';
import type { Section } from './views.js';

/** What a collector call that timed out rejects with: one hung service cannot stall its collector (the call itself is left to finish). */
export const noAnswer = (what: string, ms: number) => (): Error => new Error(`${what}: no answer within ${ms} ms`);

/**
 * Refreshes one section on its own loop, so a slow or dead service (a MongoDB call waiting for
 * server selection) never delays the others: a stopped FerretDB still turns red on time.
 */
export class Poller<T> {
  section: Section<T> = {};
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private inflight?: Promise<T>;

  constructor(
    private readonly what: string,
    private readonly refresh: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves after the first refresh (success or failure), then keeps refreshing until stop(). */
  start(): Promise<void> {
    let first: () => void = () => undefined;
    const firstDone = new Promise<void>((resolve) => (first = resolve));
    this.loop = (async () => {
      while (!this.abort.signal.aborted) {
        const t0 = Date.now();
        await this.once();
        first();
        await systemClock.sleep(Math.max(0, this.intervalMs - (Date.now() - t0)), this.abort.signal);
      }
    })();
    return firstDone;
  }

  /**
   * One refresh. A call that outlived its timeout is waited for instead of starting another next to
   * it: piling up counts on a struggling store is what would keep it struggling.
   */
  async once(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.refresh().finally(() => (this.inflight = undefined));
      // Its failure is reported by whichever refresh awaits it; never an unhandled rejection.
      this.inflight.catch(() => undefined);
    }
    try {
      const value = await withTimeout(this.inflight, this.timeoutMs, noAnswer(this.what, this.timeoutMs));
      this.section = { value, updatedAt: new Date().toISOString() };
    } catch (e) {
      this.section = { ...this.section, error: (e as Error).message };
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
