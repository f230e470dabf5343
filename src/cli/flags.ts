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

const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

/** `500ms`, `60s`, `1.5s`, `2m`, `1h` -> milliseconds (> 0). A unit is required: a bare `60` is ambiguous. */
export function parseDuration(text: string, flag = '--duration'): number {
  const ms = durationMs(text);
  if (ms === undefined && BARE_NUMBER.test(text.trim())) {
    throw new FlagValueError(flag, `${DURATION_EXPECTED} (add the unit: ${text.trim()}ms or ${text.trim()}s)`, text);
  }
  if (ms === undefined || ms <= 0) throw new FlagValueError(flag, `${DURATION_EXPECTED} (greater than zero)`, text);
  return ms;
}

const LATENCY = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h)\s*$/;

/**
 * `50ms` (a fixed latency) or `20..200ms` (a uniform range, the interval grammar) -> [min, max] ms.
 * Unlike `parseDuration`, zero is fine: `0ms` means no added latency.
 */
export function parseLatency(text: string, flag = '--latency'): [number, number] {
  const single = LATENCY.exec(text);
  if (single) {
    const ms = Number(single[1]) * UNIT_MS[single[2] as DurationUnit];
    return [ms, ms];
  }
  if (!text.includes('..')) throw new FlagValueError(flag, 'a duration like 50ms or a range like 20..200ms', text);
  const { minMs, maxMs } = parseInterval(text, flag);
  return [minMs, maxMs];
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

/** `3` -> 3; like `parsePositiveInteger` but 0 is allowed (e.g. `--max-restarts 0`: never restart). */
export function parseNonNegativeInteger(text: string, flag: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) throw new FlagValueError(flag, 'a whole number >= 0', text);
  return Number(trimmed);
}

/** `0.25` -> 0.25: a share of something, 0..1 inclusive. */
export function parseFraction(text: string, flag: string): number {
  const trimmed = text.trim();
  const value = /^\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new FlagValueError(flag, 'a fraction between 0 and 1', text);
  return value;
}

/** `8080` -> 8080; only a decimal integer 1..65535 (no `1e3`, `0x50`, `80.0`). */
export function parsePort(text: string, flag: string): number {
  const trimmed = text.trim();
  const value = /^\d{1,5}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= 1 && value <= 65535)) throw new FlagValueError(flag, 'a port number 1-65535', text);
  return value;
}

const KAFKA_TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** `orders, orders.lines` -> the topics to act on (config `topics`); each a Kafka topic name. */
export function parseTopicList(text: string, flag = '--topics'): string[] {
  const topics = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (topics.length === 0) throw new FlagValueError(flag, 'a comma-separated list of topic names', text);
  for (const topic of topics) if (!KAFKA_TOPIC_NAME.test(topic)) throw new FlagValueError(flag, `Kafka topic names (letters, digits, . _ -), not ${JSON.stringify(topic)} in`, text);
  return topics;
}

/**
 * `orders=my.orders,orders.lines=lines_eu` -> the Kafka topic name each pipeline topic is published under
 * instead of its own (a name the pipeline lacks is refused when the pipeline is loaded, listing its topics).
 */
export function parsePublishAs(text: string, flag = '--publish-as'): Record<string, string> {
  const topicNames: Record<string, string> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new FlagValueError(flag, 'topic=kafka-topic pairs like orders=my.orders', text);
    const topic = entry.slice(0, eq).trim();
    const kafkaName = entry.slice(eq + 1).trim();
    if (!KAFKA_TOPIC_NAME.test(topic)) throw new FlagValueError(flag, `a topic of the pipeline before =, not ${JSON.stringify(topic)} in`, text);
    if (!KAFKA_TOPIC_NAME.test(kafkaName)) throw new FlagValueError(flag, `a Kafka topic name after ${topic}=`, text);
    topicNames[topic] = kafkaName;
  }
  return topicNames;
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

/** A commander parser for a port flag, its errors naming the flag. */
export const portFlag = (flag: string) => flagParser((v) => parsePort(v, flag));
/** A commander parser for a duration flag (`30s`, `500ms`, `2m`), its errors naming the flag. */
export const durationFlag = (flag: string) => flagParser((v) => parseDuration(v, flag));
/** A commander parser for a whole number >= 1, its errors naming the flag. */
export const countFlag = (flag: string) => flagParser((v) => parsePositiveInteger(v, flag));

/** Commander option parsers for the flags several commands share. */
export const flags = {
  count: flagParser((v) => parsePositiveInteger(v, '--count')),
  batchSize: flagParser((v) => parsePositiveInteger(v, '--batch-size')),
  duration: flagParser((v) => parseDuration(v, '--duration')),
  rate: flagParser((v) => parseRate(v, '--rate')),
  interval: flagParser((v) => parseInterval(v, '--interval')),
  meanRate: flagParser((v) => parseMeanRate(v, '--mean-rate')),
  topics: flagParser((v) => parseTopicList(v, '--topics')),
  publishAs: flagParser((v) => parsePublishAs(v, '--publish-as')),
};
