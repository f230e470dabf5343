// Waiting between retries. The host application has its own clock; this package knows nothing of it,
// so it keeps this small copy with the same contract.

/** Waits `ms`, or less when `signal` aborts; resolves either way (never rejects): the caller checks `signal.aborted`. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
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
  });
}

/** Backoff before retry number `retry` (from 0): initialBackoffMs, then 4x per retry, capped at maxBackoffMs. */
export const retryBackoffMs = (policy: { initialBackoffMs: number; maxBackoffMs: number }, retry: number): number =>
  Math.min(policy.initialBackoffMs * 4 ** retry, policy.maxBackoffMs);
