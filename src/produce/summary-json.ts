import { renameSync, writeFileSync } from 'node:fs';
import { summaryHasFailures, type ProduceSummary } from './progress.js';

/**
 * The producer's run summary as schedulers and scripts read it (`streamline produce --summary-file`):
 * the counters of ProduceSummary without the per-gap timings, plus totals and one `ok` verdict.
 */
export type SummaryJson = Omit<ProduceSummary, 'fetchGapsMs' | 'gapsByLane'> & {
  ok: boolean;
  totals: { produced: number; failed: number };
};

const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);

export function summaryJson(summary: ProduceSummary): SummaryJson {
  const { fetchGapsMs: _gaps, gapsByLane: _lanes, ...counters } = summary;
  return {
    ok: !summary.aborted && !summaryHasFailures(summary),
    ...counters,
    elapsedMs: Math.round(summary.elapsedMs),
    totals: { produced: sum(summary.produced), failed: sum(summary.failed) },
  };
}

/** Writes the summary through a temporary file and a rename, so a reader never sees half of it. */
export function writeSummaryFile(path: string, summary: ProduceSummary): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  renameSync(tmp, path);
}
