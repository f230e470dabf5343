import { describe, expect, it } from 'vitest';
import { formatElapsed, formatProgressLine, formatSummary, summaryHasFailures, type ProduceSummary } from '../../../src/produce/progress.js';

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
