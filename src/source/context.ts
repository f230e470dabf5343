import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { EnvRef } from '../pipeline/sources.js';
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
  /** Records per page of a file source, per request of a randomUser source. Default 500. */
  readonly pageSize?: number;
  /** randomUser: the API's seed (same seed and page, same records); default a random one. */
  readonly seed?: string;
  /** randomUser: the URL read when the source names none (the local API the run started, config api.url). */
  readonly defaultUrl?: string;
  /** What a source notes without failing (an API answering more records than asked for). Default: nothing. */
  readonly onWarning?: (message: string) => void;
}

export const contextClock = (ctx: SourceContext): Clock => ctx.clock ?? systemClock;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `250ms`, `10s`, `5m`, `1h` in milliseconds; `what` names the option in the error. */
export function durationMs(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new ConfigError(`${what} must be a duration like 500ms, 10s or 5m, got ${JSON.stringify(text)}`, { hint: 'write a number and one of the units ms, s, m, h' });
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** An `env('NAME')` value, or the literal; a variable that is unset and has no default is an error naming it. */
export function resolveEnvValue(value: string | EnvRef, what: string, env: NodeJS.ProcessEnv): string {
  if (typeof value === 'string') return value;
  const found = env[value.env];
  if (found !== undefined && found !== '') return found;
  if (value.default !== undefined) return value.default;
  throw new ConfigError(`${what} reads the environment variable ${value.env}, which is not set`, {
    hint: `set ${value.env} before starting, or give a default: env('${value.env}', '<value>')`,
  });
}
