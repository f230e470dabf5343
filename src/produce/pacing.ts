import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../source/index.js';

/** How long to wait between fetches (or, when topics are paced independently, between a topic's sends). */
export type IntervalSpec =
  /** Every gap drawn uniformly from [minMs, maxMs]. */
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /**
   * Poisson arrivals: exponential gaps with mean 1000 / meanRatePerSec ms, capped at `maxMs`
   * (default: ten means) so one unlucky draw cannot stall a run.
   */
  | { kind: 'exponential'; meanRatePerSec: number; maxMs?: number };

/** The cap on an exponential gap, in means; cutting the tail there shifts the mean by e^-10 (0.005%). */
const EXPONENTIAL_CAP_IN_MEANS = 10;

/** Validates a spec, throwing a RangeError that says which field is wrong. */
export function validateInterval(spec: IntervalSpec): IntervalSpec {
  if (spec.kind === 'uniform') {
    if (!Number.isFinite(spec.minMs) || spec.minMs < 0) throw new RangeError(`interval minMs must be a finite number >= 0, got ${spec.minMs}`);
    if (!Number.isFinite(spec.maxMs) || spec.maxMs < spec.minMs) {
      throw new RangeError(`interval maxMs must be a finite number >= minMs (${spec.minMs}), got ${spec.maxMs}`);
    }
  } else {
    if (!Number.isFinite(spec.meanRatePerSec) || spec.meanRatePerSec <= 0) {
      throw new RangeError(`interval meanRatePerSec must be a finite number > 0, got ${spec.meanRatePerSec}`);
    }
    if (spec.maxMs !== undefined && !(spec.maxMs > 0)) throw new RangeError(`interval maxMs must be > 0, got ${spec.maxMs}`);
  }
  return spec;
}

/** Returns a function drawing successive gaps (ms) for `spec` from `random`. */
export function intervalGenerator(spec: IntervalSpec, random: RandomSource): () => number {
  validateInterval(spec);
  if (spec.kind === 'uniform') {
    const { minMs, maxMs } = spec;
    return () => minMs + random() * (maxMs - minMs);
  }
  const meanMs = 1000 / spec.meanRatePerSec;
  const capMs = spec.maxMs ?? meanMs * EXPONENTIAL_CAP_IN_MEANS;
  // Inverse CDF; 1 - u is in (0, 1], so the log is finite.
  return () => Math.min(capMs, -Math.log(1 - random()) * meanMs);
}

/** A human description of a spec for logs and --print-config. */
export function describeInterval(spec: IntervalSpec | undefined): string {
  if (!spec) return 'no pause';
  if (spec.kind === 'uniform') return `uniform ${spec.minMs}..${spec.maxMs} ms`;
  return `exponential, mean rate ${spec.meanRatePerSec}/s`;
}

export interface RateLimiterOptions {
  /** Upper bound on the sustained rate, in units (records) per second. */
  ratePerSec: number;
  /**
   * How many units may go out back to back after an idle period. Default: a tenth of a second's
   * worth (at least 1), which keeps any window's count within ratePerSec * seconds + burst.
   */
  burst?: number;
}

/**
 * A token bucket that lends: `reserve` always succeeds and returns how long the caller must wait
 * before using what it reserved. Lending keeps concurrent callers (one per lane) fairly spaced
 * without a queue: each reservation pushes the next one further out.
 */
export class RateLimiter {
  readonly ratePerSec: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number;

  constructor(
    options: RateLimiterOptions,
    private readonly clock: Clock,
  ) {
    if (!Number.isFinite(options.ratePerSec) || options.ratePerSec <= 0) {
      throw new RangeError(`rate must be a finite number > 0 per second, got ${options.ratePerSec}`);
    }
    this.ratePerSec = options.ratePerSec;
    this.burst = options.burst ?? Math.max(1, options.ratePerSec / 10);
    if (!(this.burst >= 1)) throw new RangeError(`rate limiter burst must be >= 1, got ${this.burst}`);
    this.#tokens = this.burst;
    this.#updatedAt = clock.now();
  }

  /** Takes `units` tokens; returns the wait in ms before they may be used (0 when available now). */
  reserve(units = 1): number {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) * this.ratePerSec) / 1000);
    this.#updatedAt = now;
    this.#tokens -= units;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.ratePerSec;
  }

  /** Reserves and waits on the limiter's clock; resolves early if `signal` aborts. */
  async take(units: number, signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve(units);
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
  }
}
