import { renameSync, writeFileSync } from 'node:fs';
import { summaryHasFailures, type ProduceSummary } from './progress.js';

/**
 * The producer's run summary as schedulers and scripts read it (`streamline produce --summary-file`):
 * the counters of ProduceSummary without the per-gap timings, plus totals and one `ok` verdict.
 */
export interface SummaryJson {
  ok: boolean;
  seed: string;
  stopReason: ProduceSummary['stopReason'];
  aborted: boolean;
  elapsedMs: number;
  fetched: number;
  invalid: number;
  duplicates: number;
  fetchErrors: number;
  lastFetchError?: string;
  produced: Record<string, number>;
  failed: Record<string, number>;
  failureReasons: Record<string, string>;
  totals: { produced: number; failed: number };
}

const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);

export function summaryJson(summary: ProduceSummary): SummaryJson {
  return {
    ok: !summary.aborted && !summaryHasFailures(summary),
    seed: summary.seed,
    stopReason: summary.stopReason,
    aborted: summary.aborted,
    elapsedMs: Math.round(summary.elapsedMs),
    fetched: summary.fetched,
    invalid: summary.invalid,
    duplicates: summary.duplicates,
    fetchErrors: summary.fetchErrors,
    ...(summary.lastFetchError === undefined ? {} : { lastFetchError: summary.lastFetchError }),
    produced: summary.produced,
    failed: summary.failed,
    failureReasons: summary.failureReasons,
    totals: { produced: sum(summary.produced), failed: sum(summary.failed) },
  };
}

/** Writes the summary through a temporary file and a rename, so a reader never sees half of it. */
export function writeSummaryFile(path: string, summary: ProduceSummary): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  renameSync(tmp, path);
}
