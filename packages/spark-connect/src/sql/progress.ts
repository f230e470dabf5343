/** Streaming query progress reports: Spark's JSON, parsed into objects. */

/** A source entry of a progress report. */
export interface SourceProgress {
  description: string;
  startOffset: unknown;
  endOffset: unknown;
  latestOffset?: unknown;
  numInputRows: number;
  inputRowsPerSecond?: number;
  processedRowsPerSecond?: number;
  metrics?: Record<string, string>;
  [key: string]: unknown;
}

/** Spark's StreamingQueryProgress JSON (the commonly used fields are typed). */
export interface StreamingQueryProgress {
  id: string;
  runId: string;
  name: string | null;
  timestamp: string;
  batchId: number;
  batchDuration?: number;
  numInputRows: number;
  inputRowsPerSecond?: number;
  processedRowsPerSecond?: number;
  durationMs?: Record<string, number>;
  eventTime?: Record<string, string>;
  stateOperators?: unknown[];
  sources: SourceProgress[];
  sink: { description: string; numOutputRows?: number; [key: string]: unknown };
  observedMetrics?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Parses a progress JSON. Spark 4.0's JSON omits the top-level `numInputRows`, `inputRowsPerSecond`
 * and `processedRowsPerSecond` (the Scala object derives them from its sources); they are filled in
 * the same way here when missing.
 */
export function parseProgress(json: string): StreamingQueryProgress {
  const p = JSON.parse(json) as StreamingQueryProgress;
  const sources = Array.isArray(p.sources) ? p.sources : [];
  const total = (key: 'numInputRows' | 'inputRowsPerSecond' | 'processedRowsPerSecond'): number =>
    sources.reduce((acc, s) => acc + (typeof s[key] === 'number' && Number.isFinite(s[key]) ? (s[key] as number) : 0), 0);
  if (typeof p.numInputRows !== 'number') p.numInputRows = total('numInputRows');
  if (typeof p.inputRowsPerSecond !== 'number') p.inputRowsPerSecond = total('inputRowsPerSecond');
  if (typeof p.processedRowsPerSecond !== 'number') p.processedRowsPerSecond = total('processedRowsPerSecond');
  return p;
}
