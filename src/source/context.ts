import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { RandomSource } from './random.js';

/** What a source runtime gets from the run that makes it; everything but `baseDir` has a default. */
export interface SourceContext {
  /** Where a file source's relative paths start: the pipeline file's directory. */
  readonly baseDir: string;
  /** Where `env('NAME')` values are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Waits of rate limits and retries (unit tests inject a virtual clock). */
  readonly clock?: Clock;
  /** The backoff's jitter. */
  readonly random?: RandomSource;
  /** The most bytes of one response body (config api.maxResponseBytes). */
  readonly maxResponseBytes?: number;
  /** Records per page of a file source. Default 500. */
  readonly pageSize?: number;
}

export const contextClock = (ctx: SourceContext): Clock => ctx.clock ?? systemClock;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `250ms`, `10s`, `5m`, `1h` in milliseconds; `what` names the option in the error. */
export function durationMs(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new ConfigError(`${what} must be a duration like 500ms, 10s or 5m, got ${JSON.stringify(text)}`, { hint: 'write a number and one of the units ms, s, m, h' });
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
