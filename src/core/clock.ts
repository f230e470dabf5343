// Time, the one way: a Clock injected wherever something waits (unit tests run on a virtual clock and
// never really sleep), one backoff formula, one timeout race.

/**
 * Time as a waiting loop sees it. The contract of `sleep`: it resolves after `ms`, or early when `signal`
 * aborts, and never rejects; the caller checks `signal.aborted` (or `throwIfAborted()`) afterwards. An
 * abort is how a loop is told to stop, not a failure to catch at every wait.
 */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The sleep of a Clock, for code that waits but never reads the time. */
export type Sleep = Clock['sleep'];

/** The real clock: performance.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface Backoff {
  /** The wait before the first retry. */
  initialMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

/** Exponential backoff: initial, 2x, 4x, ... capped at maxMs; `attempt` counts from 1. */
export const backoffMs = ({ initialMs, maxMs }: Backoff, attempt: number): number => Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));

/**
 * `work`, or a rejection with `onTimeout()` once `ms` have passed, whichever comes first. The work itself
 * is not cancelled (a promise cannot be): it is left to finish, its result ignored.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
