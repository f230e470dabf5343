import { describe, expect, it } from 'vitest';
import type { SourceProgress, StreamingQueryProgress } from '@streamline/spark-connect';
import { offsetsBehind, reportFromProgress } from '../../../src/stream/progress.js';

const source = (overrides: Partial<SourceProgress> = {}): SourceProgress => ({
  description: 'KafkaV2[Subscribe[t]]',
  startOffset: null,
  endOffset: null,
  numInputRows: 0,
  ...overrides,
});

const progress = (overrides: Partial<StreamingQueryProgress> = {}): StreamingQueryProgress => ({
  id: 'q-id',
  runId: 'run-id',
  name: 'ingest_users_profile',
  timestamp: '2025-01-01T00:00:00.000Z',
  batchId: 0,
  numInputRows: 0,
  sources: [],
  sink: { description: 'MongoTable()' },
  ...overrides,
});

describe('offsetsBehind', () => {
  it('sums latest - read over the partitions of every topic (offset maps as Spark sends them: JSON text)', () => {
    const p = progress({
      sources: [
        source({
          endOffset: JSON.stringify({ a: { '0': 100, '1': 50, '2': 7 }, b: { '0': 10 } }),
          latestOffset: JSON.stringify({ a: { '0': 130, '1': 50, '2': 9 }, b: { '0': 15 } }),
        }),
      ],
    });
    expect(offsetsBehind(p)).toBe(30 + 0 + 2 + 5);
  });

  it('accepts already parsed offset maps and adds up several sources', () => {
    const p = progress({
      sources: [source({ endOffset: { a: { '0': 1 } }, latestOffset: { a: { '0': 4 } } }), source({ endOffset: { b: { '0': 0 } }, latestOffset: { b: { '0': 2 } } })],
    });
    expect(offsetsBehind(p)).toBe(5);
  });

  it('is 0 when the query has read everything, not undefined', () => {
    const p = progress({ sources: [source({ endOffset: '{"a":{"0":42}}', latestOffset: '{"a":{"0":42}}' })] });
    expect(offsetsBehind(p)).toBe(0);
  });

  it('never counts a negative lag (latest read before the end offset moved on)', () => {
    const p = progress({ sources: [source({ endOffset: { a: { '0': 50, '1': 10 } }, latestOffset: { a: { '0': 40, '1': 12 } } })] });
    expect(offsetsBehind(p)).toBe(2);
  });

  it('skips partitions the query has not read yet, and is undefined when nothing is comparable', () => {
    const p = progress({ sources: [source({ endOffset: { a: { '0': 5 } }, latestOffset: { a: { '0': 8, '1': 100 }, c: { '0': 3 } } })] });
    expect(offsetsBehind(p)).toBe(3);
    expect(offsetsBehind(progress({ sources: [source({ endOffset: { a: { '1': 5 } }, latestOffset: { a: { '0': 8 } } })] }))).toBeUndefined();
  });

  it.each([
    ['no sources', []],
    ['no latest offset', [source({ endOffset: { a: { '0': 5 } } })]],
    ['null offsets (before the first batch)', [source({ endOffset: null, latestOffset: null })]],
    ['offsets that are not JSON', [source({ endOffset: 'nope', latestOffset: '{' })]],
    ['non-numeric offsets', [source({ endOffset: { a: { '0': '5' } }, latestOffset: { a: { '0': '9' } } })]],
  ])('undefined with %s', (_what, sources) => {
    expect(offsetsBehind(progress({ sources: sources as SourceProgress[] }))).toBeUndefined();
  });
});

describe('reportFromProgress', () => {
  it('without progress: only name, id and active', () => {
    expect(reportFromProgress('ingest_x', 'id-1', true, [])).toEqual({
      name: 'ingest_x',
      id: 'id-1',
      active: true,
      batchId: undefined,
      numInputRows: undefined,
      inputRowsPerSecond: undefined,
      processedRowsPerSecond: undefined,
      batchDurationMs: undefined,
      offsetsBehind: undefined,
      readOffsets: undefined,
      progressAt: undefined,
    });
  });

  it('batch id, rows and lag from the last report; rates and duration from the last one that had data', () => {
    const withData = progress({ batchId: 7, numInputRows: 500, inputRowsPerSecond: 480.5, processedRowsPerSecond: 1200, batchDuration: 416 });
    const idle = progress({
      batchId: 8,
      numInputRows: 0,
      inputRowsPerSecond: 0,
      processedRowsPerSecond: 0,
      batchDuration: 12,
      sources: [source({ endOffset: { t: { '0': 500 } }, latestOffset: { t: { '0': 520 } } })],
    });
    expect(reportFromProgress('q', 'id', false, [progress({ batchId: 6, numInputRows: 10, processedRowsPerSecond: 5 }), withData, idle])).toEqual({
      name: 'q',
      id: 'id',
      active: false,
      batchId: 8,
      numInputRows: 0,
      inputRowsPerSecond: 480.5,
      processedRowsPerSecond: 1200,
      batchDurationMs: 416,
      offsetsBehind: 20,
      readOffsets: { t: { '0': 500 } },
      progressAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('uses the last report when no report had data', () => {
    const report = reportFromProgress('q', 'id', true, [progress({ batchId: 0, processedRowsPerSecond: 0, batchDuration: 30 }), progress({ batchId: 1, batchDuration: 25 })]);
    expect(report).toMatchObject({ batchId: 1, numInputRows: 0, processedRowsPerSecond: undefined, batchDurationMs: 25 });
  });

  it('the lag is the last report’s, even when an earlier one had data', () => {
    const first = progress({ batchId: 1, numInputRows: 3, sources: [source({ endOffset: { t: { '0': 3 } }, latestOffset: { t: { '0': 10 } } })] });
    const last = progress({ batchId: 2, numInputRows: 0, sources: [source({ endOffset: { t: { '0': 10 } }, latestOffset: { t: { '0': 10 } } })] });
    expect(reportFromProgress('q', 'id', true, [first, last]).offsetsBehind).toBe(0);
  });
});
