// Issue 23's newcomer acceptance: docs/pipelines.md followed literally in a directory outside the repository,
// on services of its own (the `cli` port block, after test/integration/runtime/cli.test.ts stopped its own):
// `init --source file`, the page's edit, `check`, `test`, then every command of the page's "Run" block as it
// is written (`up`, `stream start --detach`, `produce`, `stream status`), run from that directory, until the
// scaffolded pipeline's readings are documents in MongoDB; then `down`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../../harness/cli.js';
import { eventually } from '../../../harness/poll.js';
import { runtimeEnv, testRuntimeConfig } from '../../../harness/runtime.js';
import { mongoUri } from '../../../src/config/index.js';
import { down } from '../../../src/runtime/index.js';
import { applyPageEdit, applyPageTestFix, blocks } from '../../support/pipelines-page.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-newcomer-'));
// The page's state: `.streamline` in the directory it runs in; the ports of a block of our own.
const config = { ...testRuntimeConfig('newcomer', 'cli'), stateDir: join(dir, '.streamline') };
const env = runtimeEnv(config);
const SLOW = 300_000;
const log = (message: string) => process.stdout.write(`[newcomer] ${message}\n`);

afterAll(async () => {
  await runCli(['stream', 'stop'], env, SLOW, { cwd: dir }).catch(() => undefined);
  await down(config).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const streamline = async (args: string[]): Promise<CliRun> => {
  const run = await runCli(args, env, SLOW, { cwd: dir });
  log(`streamline ${args.join(' ')} -> exit ${run.code}`);
  return run;
};

/** `streamline <args>  # comment` lines of a shell block, as argument lists. */
const commands = (block: string): string[][] =>
  block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.startsWith('streamline '))
    .map((line) => line.split(/\s+/).slice(1));

describe('docs/pipelines.md followed literally, services included', () => {
  it('init, edit, check, test, up, stream start --detach, produce: the readings land in MongoDB with the new field', { timeout: 900_000 }, async () => {
    const [setup, ...rest] = blocks('sh');
    expect(commands(setup!)).toEqual([['init', '--source', 'file']]);
    const runBlock = rest.find((block) => block.includes('streamline up'));
    const steps = commands(runBlock!);
    expect(steps.map((s) => s.join(' '))).toEqual(['up', 'stream start --detach', 'produce', 'stream status']);

    expect((await streamline(['init', '--source', 'file'])).code).toBe(0);
    const file = join(dir, 'streamline.pipeline.ts');
    writeFileSync(file, applyPageTestFix(applyPageEdit(readFileSync(file, 'utf8'))));
    const check = await streamline(['check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('pipeline sensors in streamline.pipeline.ts: OK');
    const test = await streamline(['test']);
    expect(test.code, test.stdout + test.stderr).toBe(0);

    for (const step of steps.slice(0, 3)) {
      const run = await streamline(step);
      expect(run.code, `streamline ${step.join(' ')}:\n${run.stdout}${run.stderr}`).toBe(0);
    }

    const readings = readFileSync(join(dir, 'data', 'readings.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; at: string; celsius?: number });
    const valid = readings.filter((r) => typeof r.celsius === 'number');
    expect(valid.length).toBeGreaterThan(0);
    const mongo = new MongoClient(mongoUri(config), { serverSelectionTimeoutMS: 10_000 });
    try {
      const documents = await eventually(
        async () => {
          const found: Document[] = await mongo.db(config.mongo.database).collection('sensors_readings').find({}).toArray();
          return found.length >= valid.length && found;
        },
        { timeoutMs: 240_000, intervalMs: 2_000, what: `${valid.length} documents in ${config.mongo.database}.sensors_readings` },
      );
      expect(documents.map((d) => String(d._id)).sort()).toEqual(valid.map((r) => r.id).sort());
      for (const reading of valid) expect(documents.find((d) => d._id === reading.id), reading.id).toMatchObject({ celsius: reading.celsius, hour: new Date(reading.at).getUTCHours() });
    } finally {
      await mongo.close();
    }

    const status = await eventually(
      async () => {
        const run = await streamline(steps[3]!);
        return run.code === 0 && run;
      },
      { timeoutMs: 120_000, intervalMs: 5_000, what: '`streamline stream status` exiting 0' },
    );
    expect(status.stdout).toContain('sensors_readings');
    expect((await streamline(['stream', 'stop'])).code).toBe(0);
    expect((await streamline(['down'])).code).toBe(0);
  });
});
