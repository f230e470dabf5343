// Parsers for command-line values (durations, intervals, rates, counts, ports): the CLI edge turns
// text into typed options here, so nothing behind it parses strings.
import { InvalidArgumentError } from 'commander';
import type { IntervalSpec } from '../produce/index.js';

/** A command-line value that does not parse; the message names the flag, what it expects and what it got. */
export class FlagValueError extends Error {
  constructor(
    readonly flag: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${flag}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'FlagValueError';
  }
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const DURATION_EXPECTED = 'a duration like 500ms, 60s, 2m or 1h';

function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
}

/** `500ms`, `60s`, `1.5s`, `2m`, `1h` -> milliseconds (> 0). A unit is required: a bare `60` is ambiguous. */
export function parseDuration(text: string, flag = '--duration'): number {
  const ms = durationMs(text);
  if (ms === undefined || ms <= 0) throw new FlagValueError(flag, `${DURATION_EXPECTED} (greater than zero)`, text);
  return ms;
}

const INTERVAL = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h)?\s*\.\.\s*(\d+(?:\.\d+)?)(ms|s|m|h)\s*$/;
const INTERVAL_EXPECTED = 'a range min..max like 50..150ms or 1s..3s (min <= max)';

/**
 * `50..150ms` (the lower bound borrows the upper bound's unit) or `1s..3s` -> a uniform interval.
 * Zero is allowed: `0..100ms` means "sometimes no pause at all", `0ms..0ms` "never a pause".
 */
export function parseInterval(text: string, flag = '--interval'): IntervalSpec & { kind: 'uniform' } {
  const match = INTERVAL.exec(text);
  if (!match) throw new FlagValueError(flag, INTERVAL_EXPECTED, text);
  const [, minValue, minUnit, maxValue, maxUnit] = match as unknown as [string, string, DurationUnit | undefined, string, DurationUnit];
  const minMs = Number(minValue) * UNIT_MS[minUnit ?? maxUnit];
  const maxMs = Number(maxValue) * UNIT_MS[maxUnit];
  if (minMs > maxMs) throw new FlagValueError(flag, INTERVAL_EXPECTED, text);
  return { kind: 'uniform', minMs, maxMs };
}

const RATE = /^(\d+(?:\.\d+)?)(\/s)?$/;

/** `100` or `100/s` or `0.5` -> records per second (> 0). */
export function parseRate(text: string, flag = '--rate'): number {
  const match = RATE.exec(text.trim());
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new FlagValueError(flag, 'a positive number per second like 100 or 2.5/s', text);
  return rate;
}

/** `--mean-rate 5` -> an exponential interval averaging 5 fetches per second. */
export function parseMeanRate(text: string, flag = '--mean-rate'): IntervalSpec & { kind: 'exponential' } {
  return { kind: 'exponential', meanRatePerSec: parseRate(text, flag) };
}

/** `5000` -> 5000; rejects 0, negatives, fractions and `5e3`-style surprises. */
export function parsePositiveInteger(text: string, flag: string): number {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= 1) || !Number.isSafeInteger(value)) throw new FlagValueError(flag, 'a whole number >= 1', text);
  return value;
}

/** Wraps a parser that throws (e.g. FlagValueError) so commander reports it as a usage error (exit code 2). */
export const flagParser =
  <T>(parse: (text: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };

/** Parses a port flag with an error naming the flag. */
export function portFlag(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`${flag}: expected a port number 1-65535, got "${value}"`);
    return n;
  };
}

/** Commander option parsers for the flags several commands share. */
export const flags = {
  count: flagParser((v) => parsePositiveInteger(v, '--count')),
  batchSize: flagParser((v) => parsePositiveInteger(v, '--batch-size')),
  duration: flagParser((v) => parseDuration(v, '--duration')),
  rate: flagParser((v) => parseRate(v, '--rate')),
  interval: flagParser((v) => parseInterval(v, '--interval')),
  meanRate: flagParser((v) => parseMeanRate(v, '--mean-rate')),
};
