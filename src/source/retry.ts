import { backoffMs } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Retries } from '../pipeline/sources.js';
import { durationMs } from './context.js';
import type { RandomSource } from './random.js';

export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  readonly maxAttempts: number;
  /** Backoff ceiling for the first retry; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Backoff ceiling never exceeds this. */
  readonly maxDelayMs: number;
  /**
   * A server's Retry-After is honoured up to this bound (default 60 s), so a confused server asking for an
   * hour cannot stall a producer run; beyond it we wait this long and try again.
   */
  readonly maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/**
 * "Full jitter" backoff: uniform in [0, min(maxDelay, base * 2^(retry-1))]. Spreads retries of many clients
 * instead of having them hit a recovering server in lockstep. `retry` counts from 1.
 */
export function backoffDelayMs(retry: number, options: RetryOptions, random: RandomSource): number {
  return Math.floor(random() * backoffMs({ initialMs: options.baseDelayMs, maxMs: options.maxDelayMs }, retry));
}

/**
 * Retry-After as milliseconds from now: either delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** How long to wait before retry number `retry`: the server's Retry-After if it gave one, else backoff. */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, options: RetryOptions, random: RandomSource): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs ?? 60_000);
  return backoffDelayMs(retry, options, random);
}

/** A source declaration's `retries` over the defaults; `what` (`httpJson`, `randomUser`) names the source in errors. */
export function retryOptions(retries: Retries | undefined, what: string): RetryOptions {
  const retry: RetryOptions = {
    ...DEFAULT_RETRY,
    ...(retries?.attempts === undefined ? {} : { maxAttempts: retries.attempts }),
    ...(retries?.initialBackoff === undefined ? {} : { baseDelayMs: durationMs(retries.initialBackoff, `${what} retries.initialBackoff`) }),
    ...(retries?.maxBackoff === undefined ? {} : { maxDelayMs: durationMs(retries.maxBackoff, `${what} retries.maxBackoff`) }),
  };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new ConfigError(`${what} retries.attempts must be an integer >= 1, got ${retry.maxAttempts}`);
  return retry;
}
