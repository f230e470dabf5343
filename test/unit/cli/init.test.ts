// `streamline init` as a new user runs it, in a directory outside the repository: the scaffolded pipeline
// loads, type-checks with the tsconfig.json written next to it, and is not overwritten without --force.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleOrdersApi, type ExampleOrdersServer } from '../../../src/source/http/example-orders.js';
import { runCli } from '../../../harness/cli.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/init');
const TEMPLATE = join(EXAMPLES, 'randomuser.ts');
// Each CLI start pays tsx's start-up; `check` also runs the TypeScript compiler (seconds on a busy machine).
const SLOW = 180_000;

describe('streamline init', () => {
  it('writes streamline.pipeline.ts from the template and a tsconfig.json; the result checks and lists its topics', { timeout: SLOW }, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'streamline-init-')), 'project');
    const run = await runCli(['init', '--dir', dir], {}, SLOW);
    expect(run.code, run.stderr).toBe(0);
    const pipeline = join(dir, 'streamline.pipeline.ts');
    expect(readFileSync(pipeline, 'utf8')).toBe(readFileSync(TEMPLATE, 'utf8'));
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { strict: boolean; paths: Record<string, string[]> } };
    expect(tsconfig.compilerOptions.strict).toBe(true);
    expect(tsconfig.compilerOptions.paths['streamline/pipeline']).toEqual([resolve(import.meta.dirname, '../../../src/pipeline/index.ts')]);
    expect(run.stdout).toContain(`npx streamline check --pipeline ${pipeline}`);
    expect(run.stdout).toContain(`npx streamline test --pipeline ${pipeline}`);

    const check = await runCli(['check', '--pipeline', pipeline], {}, SLOW);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
    expect(check.stdout).toMatch(/^✓ type-checked in \d+\.\d s \(options of .*project\/tsconfig\.json\)$/m);
    const topics = await runCli(['pipeline', 'topics', '--pipeline', pipeline], {}, SLOW);
    expect(topics.stdout).toBe('people.profile\npeople.account\n');
  });

  it('refuses to overwrite without --force (exit 2, naming the files), overwrites with it', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-init-'));
    const pipeline = join(dir, 'streamline.pipeline.ts');
    writeFileSync(pipeline, '// mine\n');
    const refused = await runCli(['init', '--dir', dir], {}, SLOW);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error: not overwriting ${pipeline}\n`);
    expect(refused.stderr).toMatch(/^hint: pass --force/m);
    expect(readFileSync(pipeline, 'utf8')).toBe('// mine\n');

    const forced = await runCli(['init', '--dir', dir, '--force'], {}, SLOW);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(pipeline, 'utf8')).toBe(readFileSync(TEMPLATE, 'utf8'));
  });

  it('offers only the sources it has a template for', { timeout: SLOW }, async () => {
    const run = await runCli(['init', '--source', 'jdbc', '--dir', mkdtempSync(join(tmpdir(), 'streamline-init-'))], {}, SLOW);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'jdbc' is invalid. Allowed choices are randomuser, http, file, kafka/);
  });
});

interface CheckJson {
  ok: boolean;
  pipeline: string;
  topics: string[];
  stages: Array<{ stage: string; status: string; summary: string; sample?: { messages: Array<{ topic: string; key: string }>; rejected: unknown[] } }>;
}

/** `init --source <kind>` in a fresh directory outside the repository, then `check` (one compiler run) and `test` on what it wrote. */
async function scaffold(source: string, env: NodeJS.ProcessEnv, checkArgs: string[] = []) {
  const dir = join(mkdtempSync(join(tmpdir(), `streamline-init-${source}-`)), 'project');
  const init = await runCli(['init', '--source', source, '--dir', dir], {}, SLOW);
  expect(init.code, init.stderr).toBe(0);
  const pipeline = join(dir, 'streamline.pipeline.ts');
  expect(readFileSync(pipeline, 'utf8')).toBe(readFileSync(join(EXAMPLES, `${source}.ts`), 'utf8'));
  const check = await runCli(['check', '--pipeline', pipeline, '--json', ...checkArgs], env, SLOW);
  expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
  const tests = await runCli(['test', '--pipeline', pipeline], env, SLOW);
  expect(tests.code, `${tests.stdout}\n${tests.stderr}`).toBe(0);
  return { dir, init, report: JSON.parse(check.stdout) as CheckJson, tests };
}

const stage = (report: CheckJson, name: string) => report.stages.find((s) => s.stage === name);

describe('streamline init --source http|file|kafka: each template checks, passes its own tests and reads its local example', () => {
  let api: ExampleOrdersServer;
  beforeAll(async () => {
    api = await startExampleOrdersApi({ pageSize: 20 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('http: reads the fake orders API (what `streamline example-api orders` serves) and names that step first', { timeout: SLOW }, async () => {
    const { init, report, tests } = await scaffold('http', { ORDERS_API_URL: api.url }, ['--sample', '10']);
    expect(init.stdout).toMatch(/Next steps:\n {2}npx streamline example-api orders +# in another terminal/);
    expect(report).toMatchObject({ ok: true, pipeline: 'shop', topics: ['orders'] });
    expect(stage(report, 'types')?.status).toBe('ok');
    const sample = stage(report, 'source')?.sample;
    const served = api.feed.slice(0, 10);
    // The template's record leaves out `lines`, so only the malformations of the fields it declares are rejected.
    const rejected = served.filter((entry) => entry.malformed !== undefined && entry.malformed !== 'no lines' && entry.malformed !== 'zero quantity');
    expect(sample?.rejected).toHaveLength(rejected.length);
    expect(sample?.messages.map((m) => m.key)).toEqual(served.filter((entry) => !rejected.includes(entry)).map((entry) => entry.order.id));
    expect(tests.stdout).toMatch(/2 passed/);
  });

  it('file: writes data/readings.ndjson next to it and reads every line of it', { timeout: SLOW }, async () => {
    const { dir, init, report, tests } = await scaffold('file', {}, ['--sample', '20']);
    expect(init.stdout).toContain(`wrote ${join(dir, 'data', 'readings.ndjson')}`);
    const lines = readFileSync(join(dir, 'data', 'readings.ndjson'), 'utf8').trim().split('\n');
    expect(report).toMatchObject({ ok: true, pipeline: 'sensors', topics: ['sensors.readings'] });
    const sample = stage(report, 'source')?.sample;
    expect(sample?.rejected).toEqual([]);
    expect(sample?.messages.map((m) => m.key)).toEqual(lines.map((line) => (JSON.parse(line) as { id: string }).id));
    expect(tests.stdout).toMatch(/2 passed/);
  });

  it('kafka: only the streaming side (no source to sample), every topic keyed', { timeout: SLOW }, async () => {
    const { init, report, tests } = await scaffold('kafka', {}, ['--offline']);
    expect(init.stdout).toContain('A kafka() pipeline has no producer');
    expect(report).toMatchObject({ ok: true, pipeline: 'clicks', topics: ['web.clicks'] });
    expect(stage(report, 'source')?.status).toBe('skipped');
    // Its tests are raw Kafka values: bare records, checked and keyed as the streaming queries do.
    expect(tests.stdout).toMatch(/2 passed, 0 failed/);
  });
});
