import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors.js';
import { displayPath } from '../../pipeline/load.js';
import type { ResolvedPipeline } from '../../pipeline/resolve.js';
import { recordNormalizer } from '../../source/runtime.js';
import { addGlobalOptions, resolveRuntime, say, type GlobalOptions } from '../context.js';
import { runPipelineTest, type TestOutcome, type TestRunOptions } from '../pipeline-tests.js';

interface TestFlags extends GlobalOptions {
  filter?: string;
}

const MARK: Record<TestOutcome['status'], string> = { passed: '✓', failed: '✗', skipped: '-' };

/** How test input is normalised: the source's own record schema (as its runtime does), where this phase has it. */
function normalization(pipeline: ResolvedPipeline): Pick<TestRunOptions, 'normalize' | 'unsupported'> {
  const { source } = pipeline;
  switch (source.kind) {
    case 'http-json':
    case 'file':
      return { normalize: recordNormalizer(source.options.record) };
    case 'randomuser':
      return { unsupported: 'test input of the randomuser source runs in phase 3 of #23' };
    case 'kafka':
      return { unsupported: 'a kafka() source has no source records: give the test `messages` instead of `input`' };
  }
}

function printOutcome(outcome: TestOutcome): void {
  say(`${MARK[outcome.status]} ${outcome.name}${outcome.reason ? ` (${outcome.status === 'skipped' ? 'skipped: ' : ''}${outcome.reason})` : ''}`);
  for (const mismatch of outcome.mismatches) {
    say(`    ${mismatch.what} (- expected, + actual):`);
    for (const line of mismatch.diff) say(`      ${line.op} ${line.text}`);
  }
}

const count = (outcomes: readonly TestOutcome[], status: TestOutcome['status']) => outcomes.filter((o) => o.status === status).length;

/** `streamline test`: runs the pipeline file's own test cases; a mismatch prints a diff and exits 1. */
export function testCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('test')
      .description("run the pipeline file's tests (definePipeline's `tests`) through the same code as the producer and the streaming checks; a mismatch prints a diff and exits 1 (touches no service)")
      .option('--filter <text>', 'only the tests whose name contains this text'),
  ).action(async (flags: TestFlags, cmd: Command) => {
    const runtime = await resolveRuntime(flags);
    if (!runtime) return;
    const { pipeline: definition, resolved, file } = runtime.pipeline;
    const all = definition.tests;
    const tests = flags.filter === undefined ? all : all.filter((test) => test.name.includes(flags.filter as string));
    if (all.length > 0 && tests.length === 0) {
      throw new UsageError(`no test of pipeline ${resolved.name} has ${JSON.stringify(flags.filter)} in its name`, { hint: `its tests: ${all.map((test) => JSON.stringify(test.name)).join(', ')}` });
    }
    const options: TestRunOptions = { ...normalization(resolved), now: new Date() };
    const outcomes = tests.map((test) => runPipelineTest(resolved, test, options));
    const summary = { passed: count(outcomes, 'passed'), failed: count(outcomes, 'failed'), skipped: count(outcomes, 'skipped') };
    if (cmd.optsWithGlobals().json) {
      say(JSON.stringify({ pipeline: resolved.name, file: displayPath(file), ...summary, tests: outcomes }));
    } else {
      say(`pipeline ${resolved.name} (${displayPath(file)}): ${tests.length === 0 ? 'no tests (add `tests: [...]` to definePipeline)' : `${tests.length} test${tests.length === 1 ? '' : 's'}`}`);
      for (const outcome of outcomes) printOutcome(outcome);
      if (tests.length > 0) say(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
    }
    if (summary.failed > 0) process.exitCode = ExitCode.failure;
  });
}
