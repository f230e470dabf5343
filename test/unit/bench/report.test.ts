import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../bench/harness.js';
import { chartRatios, latestPerBenchmark, readResults, renderResults, replaceResultsSection, RESULTS_BEGIN, RESULTS_END } from '../../../bench/report.js';

const report = (benchmark: string, startedAt: string, opts: { quick?: boolean; value?: number; target?: number } = {}): BenchReport => ({
  benchmark,
  description: `${benchmark} description`,
  startedAt,
  finishedAt: startedAt,
  command: `npm run bench -- ${benchmark}${opts.quick ? ' --quick' : ''}`,
  machine: { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 24, node: 'v20.0.0', commit: 'abc1234', loadBefore: 3.2, loadAfter: 4.5 },
  options: { quick: opts.quick ?? false, warmups: 1, repetitions: 3, settings: {} },
  metrics: [{ name: 'records_per_s', unit: 'records/s', better: 'higher' }],
  contenders: [
    { name: 'ours', metrics: { records_per_s: { median: 1500, min: 1400, max: 1600, n: 3 } }, samples: [] },
    { name: 'theirs', metrics: { records_per_s: { median: 1000, min: 900, max: 1100, n: 3 } }, samples: [] },
  ],
  ratios: [{ numerator: 'ours', denominator: 'theirs', metric: 'records_per_s', value: opts.value ?? 1.5, ...(opts.target === undefined ? {} : { target: opts.target }) }],
});

describe('bench report', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('takes the latest full run per benchmark, a quick run only when there is no full one', () => {
    const latest = latestPerBenchmark([
      report('produce', '2026-01-01T00:00:00Z'),
      report('produce', '2026-01-03T00:00:00Z', { quick: true }),
      report('produce', '2026-01-02T00:00:00Z'),
      report('peer', '2026-01-04T00:00:00Z', { quick: true }),
    ]);
    expect(latest.map((r) => [r.benchmark, r.startedAt, r.options.quick])).toEqual([
      ['peer', '2026-01-04T00:00:00Z', true],
      ['produce', '2026-01-02T00:00:00Z', false],
    ]);
  });

  it('renders machine, date, command, the table and each ratio against its target', () => {
    const text = renderResults([report('peer', '2026-01-02T00:00:00Z', { value: 0.8, target: 1.2 }), report('produce', '2026-01-02T00:00:00Z', { quick: true, target: 1 })], {
      chart: 'docs/bench-ratios.png',
      generatedAt: 'now',
    });
    expect(text).toContain('![ratios vs targets](docs/bench-ratios.png)');
    expect(text).toContain('- command: `npm run bench -- peer`');
    expect(text).toContain('2 x Test CPU, 24 GiB');
    expect(text).toContain('load 3.2 before, 4.5 after');
    expect(text).toContain('| ours | 1,500 (1,400..1,600) |');
    expect(text).toContain('**ours / theirs** (records_per_s): **0.80x**, target >= 1.20x: not met');
    expect(text).toContain('**1.50x**, target >= 1.00x: met');
    expect(text).toContain('### produce **(a `--quick` smoke run: it measures nothing)**');
  });

  it('replaces only the text between the markers, and refuses a file without them', () => {
    const md = `# B\n\nintro\n${RESULTS_BEGIN}\nold\n${RESULTS_END}\n\n## kept\n`;
    expect(replaceResultsSection(md, 'new')).toBe(`# B\n\nintro\n${RESULTS_BEGIN}\nnew\n${RESULTS_END}\n\n## kept\n`);
    expect(() => replaceResultsSection('# B\n', 'new')).toThrow(/markers/);
  });

  it('charts every ratio that has a value, labelled by benchmark', () => {
    const none = { ...report('x', '2026-01-01T00:00:00Z'), ratios: [{ numerator: 'a', denominator: 'b', metric: 'm', value: undefined }] };
    expect(chartRatios([report('peer', '2026-01-01T00:00:00Z', { value: 0.5, target: 1.2 }), none])).toEqual([{ label: 'peer: ours / theirs', value: 0.5, target: 1.2 }]);
  });

  it('names the metric in a chart label only where one pair of contenders has several ratios', () => {
    const base = report('peer', '2026-01-01T00:00:00Z');
    const twoMetrics = {
      ...base,
      ratios: [
        { numerator: 'ours', denominator: 'theirs', metric: 'records_per_s', value: 0.9 },
        { numerator: 'ours', denominator: 'theirs', metric: 'after_start', value: 0.7, target: 1.5 },
        { numerator: 'ceiling', denominator: 'theirs', metric: 'after_start', value: 1.0 },
      ],
    };
    expect(chartRatios([twoMetrics]).map((r) => r.label)).toEqual(['peer: ours / theirs (records_per_s)', 'peer: ours / theirs (after_start)', 'peer: ceiling / theirs']);
  });

  it('reads result files and skips what is not a report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'peer-1.json'), JSON.stringify(report('peer', '2026-01-01T00:00:00Z')));
    writeFileSync(join(dir, 'broken.json'), '{');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const { reports, skipped } = readResults(dir);
    expect(reports.map((r) => r.benchmark)).toEqual(['peer']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^broken\.json: /);
    expect(readResults(join(dir, 'missing'))).toEqual({ reports: [], skipped: [] });
  });
});
