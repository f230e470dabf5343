import { describe, expect, it } from 'vitest';
import { RANDOM_USER_NOUN } from '../../../src/source/randomuser/runtime.js';
import { formatElapsed, formatOutage, formatProgressLine, formatSummary, summaryHasFailures, type ProduceSummary } from '../../../src/produce/progress.js';

const summary = (overrides: Partial<ProduceSummary> = {}): ProduceSummary => ({
  seed: '7',
  fetched: 5012,
  invalid: 12,
  duplicates: 0,
  fetchErrors: 0,
  produced: { 'users.profile': 5000, 'users.location': 5000 },
  failed: { 'users.profile': 0, 'users.location': 0 },
  failureReasons: {},
  elapsedMs: 12_500,
  aborted: false,
  stopReason: 'count',
  fetchGapsMs: [],
  gapsByLane: {},
  ...overrides,
});

describe('formatElapsed', () => {
  it.each([
    [950, '950ms'],
    [12_345, '12.3s'],
    [135_000, '2m15s'],
    [3_725_000, '1h02m'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('formatProgressLine', () => {
  it('shows elapsed, fetched, per-topic counts with rates, and failures', () => {
    const line = formatProgressLine({
      elapsedMs: 2000,
      fetched: 1200,
      invalid: 3,
      duplicates: 0,
      fetchErrors: 0,
      topics: {
        'users.profile': { dispatched: 1150, produced: 1150, failed: 0 },
        'users.location': { dispatched: 1150, produced: 1100, failed: 2 },
      },
    });
    expect(line).toBe('2.0s  fetched 1,200 (invalid 3)  users.profile 1,150 @ 575.0/s  users.location 1,100 @ 550.0/s  in flight 48  failed 2');
  });

  it('mentions duplicates and fetch errors only when there are some', () => {
    const line = formatProgressLine({ elapsedMs: 0, fetched: 0, invalid: 0, duplicates: 2, fetchErrors: 1, topics: {} });
    expect(line).toBe('0ms  fetched 0 (invalid 0)  duplicates 2  fetch errors 1  failed 0');
  });
});

describe('formatSummary', () => {
  it('renders an aligned per-topic table and the totals', () => {
    expect(formatSummary(summary())).toBe(
      [
        'topic           produced  failed  rate/s',
        'users.profile      5,000       0   400.0',
        'users.location     5,000       0   400.0',
        'total             10,000       0',
        '',
        'fetched 5,012 · invalid 12 · duplicates 0 · fetch errors 0 · elapsed 12.5s · seed 7 · count reached',
      ].join('\n'),
    );
  });

  it('lists the reason for each topic with failures, and why the API gave up', () => {
    const text = formatSummary(
      summary({
        failed: { 'users.profile': 3, 'users.location': 0 },
        failureReasons: { 'users.profile': 'NOT_ENOUGH_REPLICAS' },
        stopReason: 'fetch-failed',
        lastFetchError: 'HTTP 503',
      }),
    );
    expect(text).toContain('failed on users.profile: NOT_ENOUGH_REPLICAS');
    expect(text).toContain('the API kept failing');
    expect(text).toContain('last fetch error: HTTP 503');
  });

  it('says whether the run should exit non-zero', () => {
    expect(summaryHasFailures(summary())).toBe(false);
    expect(summaryHasFailures(summary({ failed: { 'users.profile': 1 } }))).toBe(true);
    expect(summaryHasFailures(summary({ stopReason: 'fetch-failed' }))).toBe(true);
    expect(summaryHasFailures(summary({ stopReason: 'aborted', aborted: true }))).toBe(false);
  });
});

describe('an outage in the progress line and the summary', () => {
  const topics = { 'users.profile': { dispatched: 1500, produced: 1000, failed: 0 }, 'users.location': { dispatched: 1234, produced: 1000, failed: 0 } };
  const state = { elapsedMs: 30_000, fetched: 1500, invalid: 0, duplicates: 0, fetchErrors: 0, topics };

  it('says who is away, for how long, what is held and that fetching waits', () => {
    const outage = { address: '127.0.0.1:9092', forMs: 23_900, unreachable: true, lastError: 'Connection closed', fetchingPaused: true };
    expect(formatProgressLine({ ...state, kafkaOutage: outage })).toMatch(/in flight 734 {2}failed 0 {2}Kafka at 127\.0\.0\.1:9092 unreachable for 23 s; holding 734 records; fetching paused$/);
    expect(formatOutage({ ...outage, unreachable: false, fetchingPaused: false }, 1234)).toBe('Kafka at 127.0.0.1:9092 not acknowledging for 23 s; holding 1,234 records');
    expect(formatProgressLine(state)).not.toMatch(/Kafka at/);
  });

  it('lists every source record given up on (up to 1,000, then a count), once even when it failed on several topics, in the source\'s noun', () => {
    const ids = Array.from({ length: 1003 }, (_, i) => `id-${i}`);
    const text = formatSummary(summary({ failed: { 'users.profile': 1003, 'users.location': 2 }, failedKeys: { 'users.profile': ids, 'users.location': ['id-0', 'id-1'] }, stopReason: 'kafka-gave-up' }), RANDOM_USER_NOUN);
    expect(text).toContain('gave up on 1,003 users (1,005 records); their ids:');
    expect(text).toContain('id-999');
    expect(text).not.toContain('id-1000');
    expect(text).toContain('... and 3 more (all of them in --summary-file)');
    expect(text).toContain('Kafka stayed away past the delivery timeout');
    expect(summaryHasFailures(summary({ stopReason: 'kafka-gave-up' }))).toBe(true);
  });
});
