import type { StreamingQueryProgress } from '@streamline/spark-connect';

/** What `stream status` shows per query; derived from Spark's last progress report. */
export interface QueryReport {
  name: string;
  id: string;
  active: boolean;
  batchId?: number;
  numInputRows?: number;
  inputRowsPerSecond?: number;
  processedRowsPerSecond?: number;
  batchDurationMs?: number;
  /** Rows written by the sink since the query started (sum of numOutputRows over recent progress). */
  rowsWritten?: number;
  exception?: string;
  /** Offsets this query has read up to in its latest progress: topic -> partition -> offset. */
  readOffsets?: OffsetMap;
  /** When Spark reported that progress (ISO-8601). */
  progressAt?: string;
}

export type OffsetMap = Record<string, Record<string, number>>;

function asOffsets(value: unknown): OffsetMap | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  return parsed && typeof parsed === 'object' ? (parsed as OffsetMap) : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Offsets the query has read up to, merged over its sources (each source reads its own topics). */
function readOffsets(progress: StreamingQueryProgress): OffsetMap | undefined {
  const merged: OffsetMap = {};
  for (const source of progress.sources) {
    for (const [topic, partitions] of Object.entries(asOffsets(source.endOffset) ?? {})) merged[topic] = { ...merged[topic], ...partitions };
  }
  return Object.keys(merged).length ? merged : undefined;
}

export function reportFromProgress(name: string, id: string, active: boolean, recent: StreamingQueryProgress[]): QueryReport {
  const last = recent.at(-1);
  // The last report is often an idle trigger (0 rows); rates are more useful from the last one with data.
  const lastWithData = [...recent].reverse().find((p) => (p.numInputRows ?? 0) > 0);
  return {
    name,
    id,
    active,
    batchId: last?.batchId,
    numInputRows: last?.numInputRows,
    inputRowsPerSecond: lastWithData?.inputRowsPerSecond ?? last?.inputRowsPerSecond,
    processedRowsPerSecond: lastWithData?.processedRowsPerSecond ?? last?.processedRowsPerSecond,
    batchDurationMs: lastWithData?.batchDuration ?? last?.batchDuration,
    readOffsets: last ? readOffsets(last) : undefined,
    progressAt: last?.timestamp,
  };
}
