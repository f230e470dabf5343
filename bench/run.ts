import { Command, InvalidArgumentError } from 'commander';
import { formatReport, runBenchmark, saveReport, type RunOptions } from './harness.js';
import { BENCHMARKS } from './index.js';

/**
 * `npm run bench -- <name...|all> [--quick]`: runs benchmarks, prints a table per benchmark and writes
 * its JSON to bench/results. Benchmarks are not tests: they assert nothing about speed.
 */

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
  .description(`benchmarks against the ceiling and the peers; available: ${Object.keys(BENCHMARKS).join(', ') || '(none yet)'}`)
  .argument('<names...>', 'benchmarks to run, or "all"')
  .option('--quick', 'small sizes, no warm-up, one repetition: checks that a benchmark runs and reports')
  .option('--warmups <n>', 'warm-up repetitions per contender (default 1, quick 0)', positiveInt('--warmups'))
  .option('--repetitions <n>', 'measured repetitions per contender (default 3, quick 1)', positiveInt('--repetitions'))
  .option('--set <key=value>', 'a benchmark setting, e.g. --set users=20000 (repeatable)', setting, {})
  .showHelpAfterError()
  .action(async (names: string[], flags: { quick?: boolean; warmups?: number; repetitions?: number; set: Record<string, string> }) => {
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
      console.log(`\n${formatReport(report)}\nresults: ${saveReport(report)}\n`);
    }
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = process.exitCode || 1;
});
