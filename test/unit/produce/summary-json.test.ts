import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProduceSummary } from '../../../src/produce/progress.js';
import { summaryJson, writeSummaryFile } from '../../../src/produce/summary-json.js';

const summary = (overrides: Partial<ProduceSummary> = {}): ProduceSummary => ({
  seed: '42',
  fetched: 500,
  invalid: 0,
  duplicates: 0,
  fetchErrors: 3,
  produced: { a: 500, b: 498 },
  failed: { a: 0, b: 2 },
  failureReasons: { b: 'MESSAGE_TOO_LARGE' },
  elapsedMs: 1234.6,
  aborted: false,
  stopReason: 'count',
  fetchGapsMs: [1, 2, 3],
  gapsByLane: { together: [1, 2, 3] },
  ...overrides,
});

describe('summaryJson', () => {
  it('keeps the counters, adds totals and a verdict, drops the gap timings', () => {
    const json = summaryJson(summary());
    const { fetchGapsMs: _gaps, gapsByLane: _lanes, ...counters } = summary();
    expect(json).toEqual({ ...counters, ok: false, elapsedMs: 1235, totals: { produced: 998, failed: 2 } });
    expect(json).not.toHaveProperty('fetchGapsMs');
    expect(json).not.toHaveProperty('gapsByLane');
  });

  it.each([
    ['clean run', {}, true],
    ['interrupted', { aborted: true, stopReason: 'aborted' as const }, false],
    ['API kept failing', { stopReason: 'fetch-failed' as const, lastFetchError: 'HTTP 503' }, false],
  ])('ok for a %s: %s', (_, overrides, ok) => {
    expect(summaryJson(summary({ failed: { a: 0, b: 0 }, failureReasons: {}, ...overrides })).ok).toBe(ok);
  });

  it('writes the file whole, leaving no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'summary-json-'));
    writeSummaryFile(join(dir, 'summary.json'), summary());
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).totals).toEqual({ produced: 998, failed: 2 });
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });
});
