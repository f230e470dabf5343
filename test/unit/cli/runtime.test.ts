// resolveRuntime (src/cli/context.ts): the configuration and the pipeline a command works with, each
// resolved once; real pipeline files (pipelines/, a temp dir), no services.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveRuntime } from '../../../src/cli/context.js';
import { runCli } from '../../../harness/cli.js';
import { BUILTIN_PIPELINE } from '../../../src/pipeline/load.js';

const ORDERS = resolve(import.meta.dirname, '../../../pipelines/orders.ts');

describe('resolveRuntime', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamline-runtime-'));
  beforeEach(() => {
    vi.stubEnv('STREAMLINE_PIPELINE', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('loads, validates and resolves the built-in pipeline when nothing names another', async () => {
    const runtime = await resolveRuntime({ stateDir });
    expect(runtime?.config.stateDir).toBe(stateDir);
    expect(runtime?.pipeline).toMatchObject({ file: BUILTIN_PIPELINE, origin: 'builtin' });
    expect(runtime?.pipeline.resolved.name).toBe('randomuser');
    expect(runtime?.pipeline.resolved.topics.length).toBeGreaterThan(0);
  });

  it('narrows the pipeline to --topics, and the digest with it', async () => {
    const all = await resolveRuntime({ stateDir, pipeline: ORDERS });
    const some = await resolveRuntime({ stateDir, pipeline: ORDERS, topics: ['orders.history'] });
    expect(all?.pipeline.resolved.topics.map((t) => t.topic)).toEqual(['orders', 'orders.lines', 'orders.history']);
    expect(some?.pipeline.resolved.topics.map((t) => t.topic)).toEqual(['orders.history']);
    expect(some?.pipeline.resolved.digest).not.toBe(all?.pipeline.resolved.digest);
  });

  it('refuses a --topics name the pipeline lacks, listing the ones it has', async () => {
    await expect(resolveRuntime({ stateDir, pipeline: ORDERS, topics: ['users.profile'] })).rejects.toMatchObject({
      code: 'PIPELINE_UNKNOWN_TOPIC',
      message: expect.stringContaining('has orders, orders.lines, orders.history'),
    });
  });

  it('refuses an invalid definition with every error and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-runtime-bad-'));
    const file = join(dir, 'bad.ts');
    const api = resolve(import.meta.dirname, '../../../src/pipeline/index.js');
    writeFileSync(
      file,
      [
        `import { definePipeline, kafka, string } from ${JSON.stringify(api)};`,
        "export default definePipeline({ name: 'Bad_Name', source: kafka(), topics: { 'a.b': { fields: { id: string() }, key: 'id' } }, sink: { collections: { 'a.b': { collection: 'system.x' } } } });",
      ].join('\n'),
    );
    const failure = resolveRuntime({ stateDir, pipeline: file });
    await expect(failure).rejects.toMatchObject({ code: 'PIPELINE_INVALID', message: expect.stringContaining(file) });
    await expect(failure).rejects.toThrow(/name: pipeline name "Bad_Name"[\s\S]*sink\.collections\['a\.b'\]/);
  });

  it('stops at --print-config before loading the pipeline, so a missing file does not stop it', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const runtime = await resolveRuntime({ stateDir, pipeline: join(stateDir, 'missing.ts'), printConfig: true });
      expect(runtime).toBeUndefined();
      expect(String(write.mock.calls[0]?.[0])).toContain('missing.ts');
    } finally {
      write.mockRestore();
    }
  });
});

describe('the commands that read state load the pipeline once, through resolveRuntime', () => {
  it.each([[['status']], [['stream', 'status']], [['dashboard']]])('%j refuses a pipeline file without a default export (exit 2) before touching a service', { timeout: 120_000 }, async (command) => {
    const file = resolve(import.meta.dirname, '../../fixtures/pipelines/bad-no-default.ts');
    const run = await runCli([...command, '--pipeline', file, '--json'], {}, 120_000);
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'PIPELINE_NO_DEFAULT', file } });
  });
});

