import { describe, expect, it } from 'vitest';
import type { SourceProgress, StreamingQueryProgress } from '@streamline/spark-connect';
import { reportFromProgress } from '../../../src/stream/progress.js';

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
      readOffsets: { t: { '0': 500 } },
      progressAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('uses the last report when no report had data', () => {
    const report = reportFromProgress('q', 'id', true, [progress({ batchId: 0, processedRowsPerSecond: 0, batchDuration: 30 }), progress({ batchId: 1, batchDuration: 25 })]);
    expect(report).toMatchObject({ batchId: 1, numInputRows: 0, processedRowsPerSecond: undefined, batchDurationMs: 25 });
  });

  it('the read offsets are the last report’s, even when an earlier one had data', () => {
    const first = progress({ batchId: 1, numInputRows: 3, sources: [source({ endOffset: { t: { '0': 3 } }, latestOffset: { t: { '0': 10 } } })] });
    const last = progress({ batchId: 2, numInputRows: 0, sources: [source({ endOffset: { t: { '0': 10 } }, latestOffset: { t: { '0': 10 } } })] });
    expect(reportFromProgress('q', 'id', true, [first, last]).readOffsets).toEqual({ t: { '0': 10 } });
  });
});
