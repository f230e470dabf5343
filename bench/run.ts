import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { formatReport, RESULTS_DIR, runBenchmark, saveReport, type RunOptions } from './harness.js';
import { BENCHMARKS } from './index.js';
import { chartRatios, latestPerBenchmark, readResults, renderResults, replaceResultsSection } from './report.js';

/**
 * `npm run bench -- <name...|all> [--quick]`: runs benchmarks, prints a table per benchmark and writes
 * its JSON to bench/results. Benchmarks are not tests: they assert nothing about speed.
 * `npm run bench -- report`: rewrites the generated section of BENCHMARKS.md and docs/bench-ratios.png
 * from the latest result of each benchmark.
 */

const repoRoot = resolve(import.meta.dirname, '..');
const CHART_FILE = join(repoRoot, 'docs', 'bench-ratios.png');

async function writeReport(resultsDir: string): Promise<void> {
  const { reports, skipped } = readResults(resultsDir);
  for (const s of skipped) console.warn(`skipped ${s}`);
  const latest = latestPerBenchmark(reports);
  const ratios = chartRatios(latest);
  if (ratios.length) {
    // Loaded only here: the benchmarks themselves need neither ECharts nor chromium.
    const { ratioChartSvg, svgToPng } = await import('./chart.js');
    await svgToPng(ratioChartSvg(ratios, { title: 'streamline vs references: ratio of medians (higher is better)' }), CHART_FILE);
    console.log(`chart: ${relative(repoRoot, CHART_FILE)}`);
  }
  const file = join(repoRoot, 'BENCHMARKS.md');
  const section = renderResults(latest, { chart: ratios.length ? relative(repoRoot, CHART_FILE) : undefined, generatedAt: new Date().toISOString() });
  writeFileSync(file, replaceResultsSection(readFileSync(file, 'utf8'), section));
  console.log(`BENCHMARKS.md: results of ${latest.map((r) => `${r.benchmark}${r.options.quick ? ' (quick)' : ''}`).join(', ') || 'nothing yet'}`);
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0, got ${JSON.stringify(value)}`);
  return n;
};

const setting = (value: string, previous: Record<string, string>) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`--set expects key=value, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

const program = new Command('bench')
  .description(`benchmarks against the ceiling and the peers; available: ${Object.keys(BENCHMARKS).join(', ') || '(none yet)'}; \`report\` writes BENCHMARKS.md and its chart`)
  .argument('<names...>', 'benchmarks to run, or "all", or "report"')
  .option('--quick', 'small sizes, no warm-up, one repetition: checks that a benchmark runs and reports')
  .option('--warmups <n>', 'warm-up repetitions per contender (default 1, quick 0)', positiveInt('--warmups'))
  .option('--repetitions <n>', 'measured repetitions per contender (default 3, quick 1)', positiveInt('--repetitions'))
  .option('--set <key=value>', 'a benchmark setting, e.g. --set users=20000 (repeatable)', setting, {})
  .option('--results <dir>', 'where result JSON is written and read', RESULTS_DIR)
  .showHelpAfterError()
  .action(async (names: string[], flags: { quick?: boolean; warmups?: number; repetitions?: number; set: Record<string, string>; results: string }) => {
    if (names.includes('report')) {
      if (names.length > 1) {
        console.error('`report` runs on its own: run the benchmarks first, then `npm run bench -- report`');
        process.exitCode = 2;
        return;
      }
      return writeReport(resolve(flags.results));
    }
    const selected = names.includes('all') ? Object.keys(BENCHMARKS) : names;
    const unknown = selected.filter((n) => !(n in BENCHMARKS));
    if (unknown.length) {
      console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHMARKS).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const quick = flags.quick ?? false;
    const repetitions = flags.repetitions ?? (quick ? 1 : 3);
    if (repetitions < 1) {
      console.error('--repetitions must be at least 1');
      process.exitCode = 2;
      return;
    }
    const controller = new AbortController();
    const interrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    const options: RunOptions = {
      quick,
      warmups: flags.warmups ?? (quick ? 0 : 1),
      repetitions,
      settings: flags.set,
      log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
      signal: controller.signal,
    };
    for (const name of selected) {
      const bench = (await BENCHMARKS[name]!()).default;
      const report = await runBenchmark(bench, options);
      console.log(`\n${formatReport(report)}\nresults: ${saveReport(report, resolve(flags.results))}\n`);
    }
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = process.exitCode || 1;
});
