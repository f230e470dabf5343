import type { KafkaOutage } from './outage.js';
import type { RecordNoun } from '../source/source-runtime.js';

/** Per-topic counters during a run. */
export interface TopicProgress {
  /** Records handed to the producer. */
  dispatched: number;
  /** Records the broker acknowledged. */
  produced: number;
  /** Records that finally failed (never silently dropped). */
  failed: number;
}

/** A snapshot of a running producer, emitted periodically. */
export interface ProgressState {
  elapsedMs: number;
  fetched: number;
  invalid: number;
  duplicates: number;
  fetchErrors: number;
  topics: Record<string, TopicProgress>;
  /** Present while Kafka acknowledges nothing. */
  kafkaOutage?: KafkaOutage & { fetchingPaused: boolean };
}

export type StopReason = 'count' | 'source-end' | 'duration' | 'aborted' | 'fetch-failed' | 'kafka-gave-up';

/** What a run did, returned by runProducer. */
export interface ProduceSummary {
  /** The seed used (given or generated), to replay the run. */
  seed: string;
  fetched: number;
  /** Records the source rejected, plus records the router could not project. */
  invalid: number;
  duplicates: number;
  fetchErrors: number;
  lastFetchError?: string;
  produced: Record<string, number>;
  failed: Record<string, number>;
  /** The last error per topic with failures. */
  failureReasons: Record<string, string>;
  /** The keys of the records that failed, per topic, in the order they failed. */
  failedKeys?: Record<string, string[]>;
  /** How long fetching waited for Kafka in total (ms). */
  fetchPausedMs?: number;
  /** The most records awaiting acknowledgement at once: what the run held in memory. */
  maxInFlight?: number;
  elapsedMs: number;
  /** True when the caller's signal (Ctrl-C) ended the run. */
  aborted: boolean;
  stopReason: StopReason;
  /** Pauses between consecutive ticks, in the order used (all lanes): the latest 10,000 (MAX_RECORDED_GAPS). */
  fetchGapsMs: number[];
  gapsByLane: Record<string, number[]>;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 1234 -> "1,234". */
const formatCount = (n: number): string => integer.format(n);

/** Records per second over `elapsedMs`; 0 before any time has passed. */
function ratePerSec(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/** 950 -> "950ms", 12_345 -> "12.3s", 135_000 -> "2m15s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${oneDecimal.format(ms / 1000)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** `Kafka at 127.0.0.1:9092 unreachable for 23 s; holding 1,234 records; fetching paused`. */
export function formatOutage(outage: NonNullable<ProgressState['kafkaOutage']>, held: number): string {
  const what = outage.unreachable ? 'unreachable' : 'not acknowledging';
  const paused = outage.fetchingPaused ? '; fetching paused' : '';
  return `Kafka at ${outage.address} ${what} for ${Math.floor(outage.forMs / 1000)} s; holding ${formatCount(held)} records${paused}`;
}

/**
 * One status line, e.g.
 * `12.3s  fetched 1,200 (invalid 3)  orders 1,150 @ 93.5/s  orders.lines 3,410 @ 277.2/s  failed 0`.
 * Duplicates and fetch errors appear only when non-zero, to keep the line short; during an outage
 * the line ends with formatOutage's text.
 */
export function formatProgressLine(state: ProgressState): string {
  const parts = [formatElapsed(state.elapsedMs), `fetched ${formatCount(state.fetched)} (invalid ${formatCount(state.invalid)})`];
  if (state.duplicates > 0) parts.push(`duplicates ${formatCount(state.duplicates)}`);
  if (state.fetchErrors > 0) parts.push(`fetch errors ${formatCount(state.fetchErrors)}`);
  let failed = 0;
  let inFlight = 0;
  for (const [topic, progress] of Object.entries(state.topics)) {
    parts.push(`${topic} ${formatCount(progress.produced)} @ ${oneDecimal.format(ratePerSec(progress.produced, state.elapsedMs))}/s`);
    failed += progress.failed;
    inFlight += progress.dispatched - progress.produced - progress.failed;
  }
  if (inFlight > 0) parts.push(`in flight ${formatCount(inFlight)}`);
  parts.push(`failed ${formatCount(failed)}`);
  if (state.kafkaOutage) parts.push(formatOutage(state.kafkaOutage, inFlight));
  return parts.join('  ');
}

const STOP_REASONS: Record<StopReason, string> = {
  count: 'count reached',
  'source-end': 'the source has no more records',
  duration: 'duration elapsed',
  aborted: 'interrupted',
  'fetch-failed': 'the API kept failing',
  'kafka-gave-up': 'Kafka stayed away past the delivery timeout',
};

/** Ids shown in the text summary; the --summary-file JSON has them all. */
const MAX_LISTED_KEYS = 1000;

/** `gave up on 510 records (2,040 records): <ids>` (the source's noun first), wrapped, so they can be fetched or replayed by id. */
function failedKeysLines(failedKeys: Record<string, string[]>, noun: RecordNoun): string[] {
  const records = Object.values(failedKeys).reduce((sum, keys) => sum + keys.length, 0);
  if (records === 0) return [];
  const keys = [...new Set(Object.values(failedKeys).flat())];
  const listed = keys.slice(0, MAX_LISTED_KEYS);
  const more = keys.length - listed.length;
  const lines = [`gave up on ${formatCount(keys.length)} ${noun.many} (${formatCount(records)} records); their ids:`];
  for (let i = 0; i < listed.length; i += 4) lines.push(`  ${listed.slice(i, i + 4).join(' ')}`);
  if (more > 0) lines.push(`  ... and ${formatCount(more)} more (all of them in --summary-file)`);
  return lines;
}

/**
 * The final summary: a per-topic table (produced, failed, rate) and the run totals, e.g.
 *
 *   topic           produced  failed   rate/s
 *   orders             5,000       0    412.3
 *   total             20,000       0
 *
 *   fetched 5,012 · invalid 12 · duplicates 0 · fetch errors 0 · elapsed 12.1s · seed 7 · count reached
 */
export function formatSummary(summary: ProduceSummary, noun: RecordNoun = { one: 'record', many: 'records' }): string {
  const topics = Object.keys(summary.produced);
  const rows = topics.map((topic) => [
    topic,
    formatCount(summary.produced[topic] ?? 0),
    formatCount(summary.failed[topic] ?? 0),
    oneDecimal.format(ratePerSec(summary.produced[topic] ?? 0, summary.elapsedMs)),
  ]);
  const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);
  rows.push(['total', formatCount(sum(summary.produced)), formatCount(sum(summary.failed)), '']);
  const header = ['topic', 'produced', 'failed', 'rate/s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const render = (row: string[]): string =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const totals = [
    `fetched ${formatCount(summary.fetched)}`,
    `invalid ${formatCount(summary.invalid)}`,
    `duplicates ${formatCount(summary.duplicates)}`,
    `fetch errors ${formatCount(summary.fetchErrors)}`,
    `elapsed ${formatElapsed(summary.elapsedMs)}`,
    `seed ${summary.seed}`,
    STOP_REASONS[summary.stopReason],
  ].join(' · ');
  const lines = [render(header), ...rows.map(render), '', totals];
  if (summary.fetchPausedMs) lines.push(`fetching paused ${formatElapsed(summary.fetchPausedMs)} while Kafka was away; at most ${formatCount(summary.maxInFlight ?? 0)} records held`);
  for (const [topic, reason] of Object.entries(summary.failureReasons)) lines.push(`failed on ${topic}: ${reason}`);
  lines.push(...failedKeysLines(summary.failedKeys ?? {}, noun));
  if (summary.stopReason === 'fetch-failed' && summary.lastFetchError) lines.push(`last fetch error: ${summary.lastFetchError}`);
  return lines.join('\n');
}

/** True when the run should exit non-zero: a record failed, or the run could not fetch what it needed. */
export function summaryHasFailures(summary: ProduceSummary): boolean {
  return Object.values(summary.failed).some((n) => n > 0) || summary.stopReason === 'fetch-failed' || summary.stopReason === 'kafka-gave-up';
}
