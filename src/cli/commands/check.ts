import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import type { StreamlineConfig } from '../../config/index.js';
import { PipelineFileError, SourceUnreachableError, StreamlineError } from '../../core/errors.js';
import { PII_POLICIES, type PiiPolicy } from '../../model/index.js';
import { describeChoice, displayPath, loadPipeline, pipelineTopics, type LoadedPipeline, type PipelineChoice } from '../../pipeline/load.js';
import type { ResolvedPipeline } from '../../pipeline/resolve.js';
import { typeCheckPipeline, type TypeDiagnostic } from '../../pipeline/typecheck.js';
import { runtimePipeline } from '../../pipeline/runtime.js';
import { validatePipeline, type PipelineProblem } from '../../pipeline/validate.js';
import { SourceError } from '../../source/errors.js';
import type { SourceRuntime } from '../../source/runtime.js';
import { sourceRuntime } from '../../source/source-runtime.js';
import { dryRunRecords, type DryRun, type DryRunMessage } from '../dry-run.js';
import { addGlobalOptions, choosePipeline, maybePrintConfig, resolveConfig, say, type GlobalOptions } from '../context.js';
import { countFlag } from '../flags.js';
import { rememberSecretValues } from '../redaction.js';

interface CheckFlags extends GlobalOptions {
  offline?: boolean;
  sample: number;
  pii: PiiPolicy;
}

interface SampleOptions {
  readonly offline: boolean;
  /** Records to pull from the source (one page). */
  readonly sample: number;
  readonly pii: PiiPolicy;
  readonly config: StreamlineConfig;
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
  /** The source stage: what was read (secrets masked), and what the sample became. */
  source?: string;
  sample?: DryRun;
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
 * The stages of `check` up to the first failure: load, type-check, validate, the source sample. Returns the report and the error that ends the command with its exit code, if any.
 */
async function runChecks(choice: PipelineChoice, options: SampleOptions): Promise<{ report: CheckReport; failure?: StreamlineError }> {
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
  const source = await sampleStage(runtimePipeline(loaded).resolved, choice.file, options);
  report.stages.push(source.stage);
  if (source.failure) return { report, failure: source.failure };
  report.ok = true;
  return { report };
}

/**
 * Stages 3-4: `--sample` records of one page through the source's runtime (no Kafka, Spark or MongoDB),
 * then through the pipeline on paper (src/cli/dry-run.ts). A source that cannot be read is SOURCE_UNREACHABLE.
 */
export async function sampleStage(pipeline: ResolvedPipeline, file: string, { offline, sample, pii, config }: SampleOptions): Promise<{ stage: Stage; failure?: StreamlineError }> {
  const skipped = (summary: string) => ({ stage: { stage: 'source', status: 'skipped', summary: `source sample: ${summary}` } as Stage });
  if (offline) return skipped('skipped (--offline)');
  const { source } = pipeline;
  if (source.kind === 'kafka') return skipped('a kafka() source has no producer: its topics are fed by others, nothing to sample');
  if (source.kind === 'randomuser') return skipped('the randomuser source is sampled in phase 3');
  let runtime: SourceRuntime<unknown>;
  try {
    runtime = sourceRuntime(source, { baseDir: dirname(file), maxResponseBytes: config.api.maxResponseBytes, pageSize: sample });
  } catch (error) {
    // A declaration the runtime refuses (an env variable that is not set, a bad duration): the file's fault, not the source's.
    if (!(error instanceof StreamlineError)) throw error;
    return { stage: { stage: 'source', status: 'failed', summary: `source sample: the ${source.kind} source cannot start: ${error.code}` }, failure: error };
  }
  rememberSecretValues(runtime.secrets);
  const described = runtime.describe();
  const pages = runtime.pages(undefined)[Symbol.asyncIterator]();
  let first: IteratorResult<{ records: unknown[]; fetchedAt: string }>;
  try {
    first = await pages.next();
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return {
      stage: { stage: 'source', status: 'failed', summary: `source sample: ${described} did not answer`, source: described },
      failure: new SourceUnreachableError(`the source of pipeline ${pipeline.name} did not answer: ${error.message}`, {
        hint: `${error.hint ?? 'check that the source answers'}; \`streamline check --offline\` checks the file without it`,
        cause: error,
      }),
    };
  } finally {
    await pages.return?.();
  }
  const records = first.done ? [] : first.value.records.slice(0, sample);
  const fetchedAt = first.done ? new Date().toISOString() : first.value.fetchedAt;
  const run = dryRunRecords(pipeline, records, (raw) => runtime.normalize(raw), { source: runtime.label, fetchedAt, now: new Date(), pii: { pii } });
  const dead = run.messages.filter((m) => m.deadLetter !== undefined).length;
  const counts = `${plural(records.length, 'record')}: ${plural(run.rejected.length, 'rejected record')}, ${plural(run.messages.length, 'message')}, ${plural(dead, 'dead letter')}`;
  return { stage: { stage: 'source', status: 'ok', summary: `source sample from ${described}: ${counts}\n${sampleText(pipeline, run)}`.trimEnd(), source: described, sample: run } };
}

const json = (value: unknown): string => JSON.stringify(value);

/** The sample per topic: each message (key, headers, value) and the document or the dead letter it becomes; the rejected records with their reasons. */
function sampleText(pipeline: ResolvedPipeline, run: DryRun): string {
  const lines = run.rejected.map((r) => `rejected record #${r.index}: ${r.reason}`);
  for (const topic of pipeline.topics) {
    const messages = run.messages.filter((m) => m.topic === topic.topic);
    const database = topic.sink.database ?? '<mongo.database>';
    lines.push(`topic ${topic.kafkaTopic} -> ${database}.${topic.sink.collection} (${topic.sink.write}): ${plural(messages.length, 'message')}`);
    for (const message of messages) lines.push(...messageLines(message));
  }
  return lines.join('\n');
}

function messageLines(message: DryRunMessage): string[] {
  return [
    `  message key ${json(message.key)} headers ${json(message.headers)}`,
    `    value ${message.value}`,
    message.deadLetter === undefined ? `    document ${json(message.document)}` : `    dead letter: ${message.deadLetter}`,
  ];
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
      .description('check the pipeline file: load it, type-check it, validate the definition, then read a few records from the source and print the Kafka messages, documents and dead letters they become (touches no Kafka, Spark or MongoDB)')
      .option('--sample <n>', 'records to read from the source (one page)', countFlag('--sample'), 5)
      .addOption(new Option('--pii <policy>', 'the PII policy of the sample, as `produce --pii`').choices([...PII_POLICIES]).default('keep'))
      .option('--offline', 'do not read the source'),
  ).action(async (flags: CheckFlags, cmd: Command) => {
    const config = resolveConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    const asJson = Boolean(cmd.optsWithGlobals().json);
    const { report, failure } = await runChecks(choosePipeline(flags, config), { offline: Boolean(flags.offline), sample: flags.sample, pii: flags.pii, config });
    if (asJson) say(JSON.stringify(report));
    else printReport(report);
    if (failure) throw failure;
  });
}
