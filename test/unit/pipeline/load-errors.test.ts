// Loading a pipeline file (src/pipeline/load.ts) as a user meets it: the CLI spawned on real files
// (test/fixtures/pipelines/bad-*.ts, and files written into os.tmpdir() that import `streamline/pipeline`
// through bin/pipeline-resolve.mjs), each failure asserted by its code, file, line and hint.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../../harness/cli.js';
import { BUILTIN_PIPELINE, choosePipelineFile, PROJECT_PIPELINE_FILE } from '../../../src/pipeline/load.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/pipelines');
const fixture = (name: string) => join(FIXTURES, name);
// Each CLI start pays tsx's start-up; `check` also runs the TypeScript compiler (seconds on a busy machine).
const SLOW = 180_000;

interface JsonError {
  code: string;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** The one JSON error object a `--json` run writes on stderr. */
function jsonError(run: CliRun): JsonError {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  return (JSON.parse(lines[0] as string) as { error: JsonError }).error;
}

const topics = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['pipeline', 'topics', '--json', ...args], env, SLOW);

/** A pipeline file outside the repository, importing the API by its package name as a user's would. */
function tmpPipeline(name: string, topic: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamline-pipeline-'));
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    [
      "import { definePipeline, kafka, string } from 'streamline/pipeline';",
      '',
      'export default definePipeline({',
      `  name: '${name}',`,
      '  source: kafka(),',
      `  topics: { '${topic}': { fields: { id: string(), note: string() }, key: 'id' } },`,
      '});',
      '',
    ].join('\n'),
  );
  return file;
}

describe('which pipeline file (choosePipelineFile)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'streamline-choose-'));

  it('takes --pipeline, then STREAMLINE_PIPELINE, then the config key, each relative to the working directory', () => {
    expect(choosePipelineFile({ flag: 'a.ts', env: 'b.ts', config: 'c.ts', cwd })).toEqual({ file: join(cwd, 'a.ts'), origin: 'flag' });
    expect(choosePipelineFile({ env: 'b.ts', config: 'c.ts', cwd })).toEqual({ file: join(cwd, 'b.ts'), origin: 'env' });
    expect(choosePipelineFile({ env: '', config: '/abs/c.ts', cwd })).toEqual({ file: '/abs/c.ts', origin: 'config' });
  });

  it('falls back to ./streamline.pipeline.ts when present, else the built-in Random User pipeline', () => {
    const bare = mkdtempSync(join(tmpdir(), 'streamline-choose-'));
    expect(choosePipelineFile({ cwd: bare })).toEqual({ file: BUILTIN_PIPELINE, origin: 'builtin' });
    writeFileSync(join(bare, PROJECT_PIPELINE_FILE), '');
    expect(choosePipelineFile({ cwd: bare })).toEqual({ file: join(bare, PROJECT_PIPELINE_FILE), origin: 'project' });
    expect(choosePipelineFile({ config: 'c.ts', cwd: bare }).origin).toBe('config');
  });
});

describe('bad pipeline files', () => {
  it('names a file that does not exist and where its name came from: PIPELINE_NOT_FOUND, exit 2', { timeout: SLOW }, async () => {
    const missing = join(tmpdir(), 'streamline-no-such-dir', 'nowhere.ts');
    const run = await topics([], { STREAMLINE_PIPELINE: missing });
    expect(run.code).toBe(2);
    const error = jsonError(run);
    expect(error).toMatchObject({ code: 'PIPELINE_NOT_FOUND', file: missing });
    expect(error.message).toContain('env STREAMLINE_PIPELINE');
    expect(error.hint).toMatch(/streamline init/);
  });

  it('reports a syntax error at esbuild file:line:col: PIPELINE_SYNTAX, exit 2', { timeout: SLOW }, async () => {
    const file = fixture('bad-syntax.ts');
    const run = await topics(['--pipeline', file]);
    expect(run.code).toBe(2);
    const error = jsonError(run);
    expect(error).toMatchObject({ code: 'PIPELINE_SYNTAX', file, line: 6, column: 19 });
    expect(error.message).toContain(`${file}:6:19`);
    expect(error.hint).toMatch(/fix the syntax/);
  });

  it('reports a throw while evaluating at the first stack frame in the file: PIPELINE_EVAL, exit 2', { timeout: SLOW }, async () => {
    const file = fixture('bad-eval.ts');
    const run = await topics(['--pipeline', file]);
    expect(run.code).toBe(2);
    const error = jsonError(run);
    expect(error).toMatchObject({ code: 'PIPELINE_EVAL', file, line: 5 });
    expect(error.message).toContain('no topic name configured');
    expect(error.hint).toContain('line 5');

    const check = await runCli(['check', '--pipeline', file], {}, SLOW);
    expect(check.code).toBe(2);
    expect(check.stdout).toBe('✗ could not load test/fixtures/pipelines/bad-eval.ts (--pipeline): PIPELINE_EVAL\n');
    expect(check.stderr).toMatch(/^error: pipeline file .*bad-eval\.ts:5:\d+ threw while loading: no topic name configured$/m);
  });

  it('refuses a file without a default pipeline export: PIPELINE_NO_DEFAULT, exit 2', { timeout: SLOW }, async () => {
    const file = fixture('bad-no-default.ts');
    const run = await topics(['--pipeline', file]);
    expect(run.code).toBe(2);
    const error = jsonError(run);
    expect(error).toMatchObject({ code: 'PIPELINE_NO_DEFAULT', file });
    expect(error.message).toContain('has no default export');
    expect(error.hint).toContain('export default definePipeline({...})');
  });

  it('check reports a type error with file:line:col, the message and the code frame: PIPELINE_TYPE_ERROR, exit 3', { timeout: SLOW }, async () => {
    const file = fixture('bad-types.ts');
    const run = await runCli(['check', '--pipeline', file], {}, SLOW);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/^✓ loaded /m);
    expect(run.stdout).toMatch(/^✗ 1 type error \(options of tsconfig\.json\)/m);
    expect(run.stdout).toContain('test/fixtures/pipelines/bad-types.ts:13:35 - error TS2353');
    expect(run.stdout).toContain("'subtitle' does not exist in type");
    expect(run.stdout).toContain('make({ title: item.title, subtitle: item.title })');
    expect(run.stderr).toMatch(/^error: .*bad-types\.ts does not type-check: .*bad-types\.ts:13:35: Object literal may only specify known properties/m);
    expect(run.stderr).toMatch(/^hint: fix the type errors/m);

    const json = await runCli(['check', '--pipeline', file, '--json'], {}, SLOW);
    expect(json.code).toBe(3);
    expect(jsonError(json)).toMatchObject({ code: 'PIPELINE_TYPE_ERROR', file, line: 13, column: 35 });
    const report = JSON.parse(json.stdout) as { ok: boolean; stages: { stage: string; status: string; diagnostics?: { file: string; line: number; code: number }[] }[] };
    expect(report.ok).toBe(false);
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([
      ['load', 'ok'],
      ['types', 'failed'],
    ]);
    expect(report.stages[1]?.diagnostics).toEqual([expect.objectContaining({ file, line: 13, code: 2353 })]);
  });
});

describe('a pipeline file outside the repository (the resolve hook maps streamline/pipeline to this CLI)', () => {
  it('pipeline topics lists its topics', { timeout: SLOW }, async () => {
    const file = tmpPipeline('outside', 'outside.events');
    const run = await topics(['--pipeline', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ pipeline: 'outside', file, topics: ['outside.events'] });

    const text = await runCli(['pipeline', 'topics', '--pipeline', file], {}, SLOW);
    expect(text.stdout).toBe('outside.events\n');
  });

  it('check loads, type-checks (built-in strict options, no tsconfig.json there) and validates it', { timeout: SLOW }, async () => {
    const file = tmpPipeline('outside-check', 'outside.checked');
    const run = await runCli(['check', '--pipeline', file], {}, SLOW);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`✓ loaded ${file} (--pipeline): pipeline outside-check, 1 topic\n`);
    expect(run.stdout).toMatch(/^✓ type-checked in \d+\.\d s \(built-in strict options\)$/m);
    expect(run.stdout).toContain('✓ definition valid\n');
    expect(run.stdout).toContain('- source sample: a kafka() source has no producer: its topics are fed by others, nothing to sample\n');
    expect(run.stdout).toContain(`pipeline outside-check in ${file}: OK\n`);
  });
});

describe('pipeline precedence through the CLI: --pipeline < env < config < ./streamline.pipeline.ts < built-in', () => {
  it('uses each source in turn as the more specific ones are taken away', { timeout: SLOW }, async () => {
    const flag = tmpPipeline('from-flag', 'flag.events');
    const env = tmpPipeline('from-env', 'env.events');
    const configured = tmpPipeline('from-config', 'config.events');
    const dir = mkdtempSync(join(tmpdir(), 'streamline-precedence-'));
    mkdirSync(join(dir, 'state'));
    const configFile = join(dir, 'streamline.config.json');
    writeFileSync(configFile, JSON.stringify({ pipeline: configured }));
    const name = async (args: string[], vars: NodeJS.ProcessEnv = {}) => {
      const run = await topics(['--state-dir', join(dir, 'state'), ...args], { STREAMLINE_PIPELINE: '', ...vars });
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { pipeline: string }).pipeline;
    };
    expect(await name(['--pipeline', flag, '--config', configFile], { STREAMLINE_PIPELINE: env })).toBe('from-flag');
    expect(await name(['--config', configFile], { STREAMLINE_PIPELINE: env })).toBe('from-env');
    expect(await name(['--config', configFile])).toBe('from-config');
    // The CLI runs in the repository root, which has no ./streamline.pipeline.ts: the built-in one.
    expect(await name([])).toBe('randomuser');
  });

  it('--print-config shows the pipeline key, from the flag over the environment', { timeout: SLOW }, async () => {
    const run = await runCli(['pipeline', 'topics', '--pipeline', 'pipelines/orders.ts', '--print-config'], { STREAMLINE_PIPELINE: 'pipelines/devices.ts' }, SLOW);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { pipeline?: string }).pipeline).toBe('pipelines/orders.ts');
    const fromEnv = await runCli(['pipeline', 'topics', '--print-config'], { STREAMLINE_PIPELINE: 'pipelines/devices.ts' }, SLOW);
    expect((JSON.parse(fromEnv.stdout) as { pipeline?: string }).pipeline).toBe('pipelines/devices.ts');
  });
});
