import type { Command } from 'commander';
import { PipelineFileError, StreamlineError } from '../../core/errors.js';
import { describeChoice, displayPath, loadPipeline, pipelineTopics, type LoadedPipeline, type PipelineChoice } from '../../pipeline/load.js';
import { typeCheckPipeline, type TypeDiagnostic } from '../../pipeline/typecheck.js';
import { validatePipeline, type PipelineProblem } from '../../pipeline/validate.js';
import { addGlobalOptions, choosePipeline, maybePrintConfig, resolveConfig, say, type GlobalOptions } from '../context.js';

interface CheckFlags extends GlobalOptions {
  offline?: boolean;
}

type StageStatus = 'ok' | 'failed' | 'skipped';

/** One stage of `check`, as printed (✓/✗/-) and as `--json` reports it. */
interface Stage {
  stage: 'load' | 'types' | 'definition' | 'source';
  status: StageStatus;
  summary: string;
  ms?: number;
  diagnostics?: TypeDiagnostic[];
  problems?: PipelineProblem[];
}

interface CheckReport {
  file: string;
  origin: PipelineChoice['origin'];
  pipeline?: string;
  topics?: string[];
  ok: boolean;
  stages: Stage[];
}

const MARK: Record<StageStatus, string> = { ok: '✓', failed: '✗', skipped: '-' };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The stages of `check` up to the first failure: load, type-check, validate (and, in phase 2 of #23, a
 * source sample). Returns the report and the error that ends the command with its exit code, if any.
 */
async function runChecks(choice: PipelineChoice, { offline }: { offline: boolean }): Promise<{ report: CheckReport; failure?: StreamlineError }> {
  const report: CheckReport = { file: choice.file, origin: choice.origin, ok: false, stages: [] };
  const shown = displayPath(choice.file);
  let loaded: LoadedPipeline;
  const loadStarted = performance.now();
  try {
    loaded = await loadPipeline(choice);
  } catch (error) {
    if (!(error instanceof PipelineFileError)) throw error;
    // The error itself (message, file:line, hint) is printed once, by the CLI's error report.
    report.stages.push({ stage: 'load', status: 'failed', summary: `could not load ${describeChoice(choice)}: ${error.code}` });
    return { report, failure: error };
  }
  report.pipeline = loaded.pipeline.name;
  report.topics = pipelineTopics(loaded.pipeline);
  report.stages.push({
    stage: 'load',
    status: 'ok',
    summary: `loaded ${describeChoice(choice)}: pipeline ${loaded.pipeline.name}, ${plural(report.topics.length, 'topic')}`,
    ms: Math.round(performance.now() - loadStarted),
  });

  const types = await typeCheckPipeline(choice.file);
  const config = types.tsconfig ? `options of ${displayPath(types.tsconfig)}` : 'built-in strict options';
  if (types.diagnostics.length) {
    report.stages.push({ stage: 'types', status: 'failed', summary: `${plural(types.diagnostics.length, 'type error')} (${config})\n${types.formatted.trimEnd()}`, ms: types.ms, diagnostics: types.diagnostics });
    const first = types.diagnostics[0] as TypeDiagnostic;
    const where = first.file ? `${displayPath(first.file)}:${first.line}:${first.column}: ` : '';
    return {
      report,
      failure: new PipelineFileError('PIPELINE_TYPE_ERROR', choice.file, `${shown} does not type-check: ${where}${first.message}`, {
        ...(first.file === choice.file && first.line !== undefined ? { line: first.line, column: first.column } : {}),
        hint: 'fix the type errors listed above (your editor shows the same ones with the same tsconfig.json)',
      }),
    };
  }
  report.stages.push({ stage: 'types', status: 'ok', summary: `type-checked in ${(types.ms / 1000).toFixed(1)} s (${config})`, ms: types.ms });

  const problems = validatePipeline(loaded.pipeline);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.length - errors.length;
  const listed = problems.map((p) => `${p.severity}: ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n');
  if (errors.length) {
    report.stages.push({ stage: 'definition', status: 'failed', summary: `${plural(errors.length, 'problem')} in the definition\n${listed}`, problems });
    const first = errors[0] as PipelineProblem;
    return {
      report,
      failure: new PipelineFileError('PIPELINE_INVALID', choice.file, `${shown}: ${first.path}: ${first.message}`, { hint: first.hint ?? 'fix the definition at that key path' }),
    };
  }
  report.stages.push({ stage: 'definition', status: 'ok', summary: `definition valid${warnings ? `, ${plural(warnings, 'warning')}\n${listed}` : ''}`, problems });
  report.stages.push({ stage: 'source', status: 'skipped', summary: offline ? 'source sample: skipped (--offline)' : 'source sample: not yet (phase 2 of #23)' });
  report.ok = true;
  return { report };
}

function printReport(report: CheckReport): void {
  for (const stage of report.stages) {
    const [first, ...rest] = stage.summary.split('\n');
    say(`${MARK[stage.status]} ${first}`);
    for (const line of rest) say(`    ${line}`);
  }
  if (report.ok) say(`pipeline ${report.pipeline} in ${displayPath(report.file)}: OK`);
}

/** `streamline check`: load, type-check and validate the pipeline file, touching no service. */
export function checkCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('check')
      .description('check the pipeline file: load it, type-check it, validate the definition (touches no service)')
      .option('--offline', 'do not sample the source (phase 2 of #23: the source sample is not implemented yet either way)'),
  ).action(async (flags: CheckFlags, cmd: Command) => {
    const config = resolveConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    const json = Boolean(cmd.optsWithGlobals().json);
    const { report, failure } = await runChecks(choosePipeline(flags, config), { offline: Boolean(flags.offline) });
    if (json) say(JSON.stringify(report));
    else printReport(report);
    if (failure) throw failure;
  });
}
