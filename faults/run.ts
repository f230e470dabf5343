// `npm run faults [-- --quick] [-- <scenario> ...]`: starts a cluster-mode runtime of its own (3 brokers RF 3
// min ISR 2, Spark master + 2 workers, driver, FerretDB) in its own state dir and port block, runs the
// scenarios one after another on it, prints one line per scenario, writes the JSON results to
// faults/results/ (git-ignored) and, for a full run, updates RELIABILITY.md. Exit 1 if any invariant failed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { down, up } from '../src/runtime/index.js';
import { randomSeed } from '../src/produce/index.js';
import { testRuntimeConfig } from '../harness/runtime.js';
import { runScenario, SUITE_USERS, type ScenarioResult } from './engine.js';
import { reliabilityMarkdown, resultLine } from './report.js';
import { SCENARIOS, selectScenarios } from './scenarios/index.js';
import { parseToolCommandLine } from '../harness/command-line.js';

const repoRoot = resolve(import.meta.dirname, '..');

interface Flags {
  quick?: boolean;
  seed?: string;
  users?: number;
  keep?: boolean;
  report: boolean;
}

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got "${value}"`);
  return n;
};

const gitCommit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

async function main(): Promise<number> {
  const program = new Command('faults')
    .description(`the fault suite: each scenario runs the pipeline on a cluster-mode runtime, injects one fault, and checks that every acknowledged user is in every collection exactly once, every poison record in dead_letters exactly once, nothing else anywhere.\nscenarios: ${SCENARIOS.map((s) => `${s.id} (${s.name}${s.inQuick ? ', quick' : ''})`).join('; ')}`)
    .argument('[scenario...]', 'scenario ids to run (default: all, or the quick ones with --quick)')
    .option('--quick', 'the quick variant: the scenarios marked quick, at the quick size (what `npm test` runs)')
    .option('--seed <seed>', 'seed for users, pacing and fault timing (default: random, printed)')
    .option('--users <n>', `users per producer run (default ${SUITE_USERS.full}, quick ${SUITE_USERS.quick})`, positive)
    .option('--keep', "keep each scenario's database and leave the cluster running (the next run reuses it)")
    .option('--no-report', 'do not update RELIABILITY.md (a full run updates the rows of the scenarios it ran)')
    .showHelpAfterError()
    .exitOverride();
  const usageExit = parseToolCommandLine(program);
  if (usageExit !== undefined) return usageExit;
  const flags = program.opts<Flags>();
  let scenarios;
  try {
    scenarios = selectScenarios(program.args, flags.quick ?? false);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const seed = flags.seed ?? randomSeed();
  const users = flags.users ?? (flags.quick ? SUITE_USERS.quick : SUITE_USERS.full);
  const base = testRuntimeConfig('faults', 'faults', { cluster: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(base.stateDir, 'runs', stamp);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`fault suite: ${scenarios.map((s) => s.id).join(', ')}; seed ${seed}; ${users} users per run; cluster state in ${base.stateDir}`);
  // `up` starts only what is not running: a cluster left by `--keep` is reused.
  const t0 = Date.now();
  await up(base, { onEvent: (e) => e.type === 'ready' && log(`  ${e.service} ready after ${e.elapsedMs} ms`) });
  log(`cluster ready in ${Date.now() - t0} ms`);
  // The commit under test is the one the run started on (the tree may move while it runs).
  const info = { commit: gitCommit(), date: new Date().toISOString().slice(0, 10) };
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      log(`--- scenario ${scenario.id}: ${scenario.name}`);
      const result = await runScenario(scenario, { base, seed, quick: flags.quick ?? false, users, runDir, log, keep: flags.keep });
      results.push(result);
      log(resultLine(result));
    }
  } finally {
    const stopped = flags.keep ? { survivors: [] } : await down(base);
    if (stopped.survivors.length) log(`warning: still alive after down: ${stopped.survivors.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
  }
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${stamp}.json`);
  writeFileSync(file, JSON.stringify({ ...info, seed, users, quick: flags.quick ?? false, results }, null, 2));
  log(`\n${results.map(resultLine).join('\n')}\nresults: ${file}`);
  if (flags.report && !flags.quick) {
    const path = join(repoRoot, 'RELIABILITY.md');
    const previous = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    writeFileSync(path, reliabilityMarkdown(previous, results, info, readFileSync(join(import.meta.dirname, 'reliability-intro.md'), 'utf8')));
    log(`updated ${path}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main().catch((e: unknown) => {
  process.stderr.write(`fault suite: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
});
