// `streamline check`'s source stage (stages 3-4): a sample read through the source's runtime from a real
// local HTTP server (the fake orders API) and from real files in a temp dir, then what it becomes: Kafka
// messages, stored documents, rejected records. No Kafka, Spark or MongoDB.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleStage } from '../../../src/cli/commands/check.js';
import { defaultConfig } from '../../../src/config/index.js';
import { definePipeline, env, httpJson, string } from '../../../src/pipeline/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { startExampleOrdersApi, type ExampleOrdersServer } from '../../../src/source/http/example-orders.js';
import { runCli } from '../../../harness/cli.js';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';

const ORDERS_FILE = resolve(import.meta.dirname, '../../../pipelines/orders.ts');
const config = defaultConfig();
const options = { offline: false, sample: 5, pii: 'keep' as const, config };

describe('check: the source sample of an httpJson source (the fake orders API)', () => {
  let api: ExampleOrdersServer;
  beforeAll(async () => {
    api = await startExampleOrdersApi({ pageSize: 50, orders: 300, token: 'Bearer local' });
    vi.stubEnv('ORDERS_API_URL', api.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await api.close();
  });

  it('reads one page, at most --sample records, and prints per topic the messages and the documents they become', async () => {
    const { stage, failure } = await sampleStage(resolvePipeline(orders), ORDERS_FILE, options);
    expect(failure).toBeUndefined();
    expect(stage.status).toBe('ok');
    const first = api.feed[0]?.order as { id: string; customer: { email: string }; lines: unknown[] };
    const run = stage.sample!;
    const firstFive = api.feed.slice(0, 5);
    expect(run.rejected).toEqual(firstFive.flatMap((entry, index) => (entry.malformed ? [{ index, reason: expect.any(String) }] : [])));
    const valid = firstFive.filter((entry) => !entry.malformed).map((entry) => entry.order as { lines: unknown[] });
    expect(run.messages.filter((m) => m.topic === 'orders')).toHaveLength(valid.length);
    expect(run.messages.filter((m) => m.topic === 'orders.lines')).toHaveLength(valid.reduce((n, o) => n + o.lines.length, 0));

    const message = run.messages.find((m) => m.topic === 'orders');
    expect(message).toMatchObject({ key: first.id, headers: { 'schema-version': '1', 'content-type': 'application/json' } });
    expect(JSON.parse(message!.value)).toMatchObject({ schema_version: 1, source: expect.stringMatching(/^http:127\.0\.0\.1:\d+$/), id: first.id, data: { line_count: first.lines.length } });
    expect(message!.document).toMatchObject({ _id: first.id, customer: first.customer, line_count: first.lines.length, kafka: { topic: 'orders', partition: 0, offset: 0 } });
    expect(message!.deadLetter).toBeUndefined();
    // insert: the _id is the Kafka coordinates.
    expect(run.messages.find((m) => m.topic === 'orders.history')?.document?._id).toBe('orders.history/0/0');

    const lines = stage.summary.split('\n');
    expect(lines[0]).toMatch(/^source sample from httpJson GET http:\/\/127\.0\.0\.1:\d+\/orders .*headers Authorization: env\(ORDERS_API_TOKEN\): 5 records: /);
    expect(stage.summary).not.toContain('Bearer local');
    expect(lines).toContain(`topic orders -> shop.orders (replace): ${valid.length} message${valid.length === 1 ? '' : 's'}`);
    expect(lines).toContain(`  message key "${first.id}" headers {"schema-version":"1","content-type":"application/json"}`);
    expect(lines.some((line) => line.startsWith('    document {"_id":"orders.history/0/0"'))).toBe(true);
  });

  it('shows a record the source rejects with its reason', async () => {
    const index = api.feed.findIndex((entry) => entry.malformed !== undefined);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(50);
    const { stage } = await sampleStage(resolvePipeline(orders), ORDERS_FILE, { ...options, sample: 50 });
    expect(stage.sample?.rejected.map((r) => r.index)).toContain(index);
    expect(stage.summary).toMatch(new RegExp(`^rejected record #${index}: \\S`, 'm'));
  });

  it('a source that does not answer is SOURCE_UNREACHABLE (exit 4) naming the URL with its credentials masked', async () => {
    const closed = await startExampleOrdersApi();
    await closed.close();
    vi.stubEnv('ORDERS_API_URL', closed.url.replace('http://', 'http://ann:s3cret-pw@'));
    try {
      const { stage, failure } = await sampleStage(resolvePipeline(orders), ORDERS_FILE, options);
      expect(stage.status).toBe('failed');
      expect(failure).toMatchObject({ code: 'SOURCE_UNREACHABLE', exitCode: 4 });
      expect(failure?.message).toContain(closed.url.replace('http://', 'http://ann:***@'));
      expect(`${failure?.message} ${failure?.hint} ${stage.summary}`).not.toContain('s3cret-pw');
    } finally {
      vi.stubEnv('ORDERS_API_URL', api.url);
    }
  }, 60_000);

  it('an env variable the source reads that is not set fails the stage with CONFIG_INVALID naming it', async () => {
    const unset = definePipeline({
      name: 'unset-env',
      source: httpJson({ url: env('STREAMLINE_TEST_UNSET_URL'), record: { id: string() } }),
      key: 'id',
      topics: { items: { fields: { id: string() } } },
    });
    const { stage, failure } = await sampleStage(resolvePipeline(unset), ORDERS_FILE, options);
    expect(stage).toMatchObject({ status: 'failed', summary: 'source sample: the http-json source cannot start: CONFIG_INVALID' });
    expect(failure).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('STREAMLINE_TEST_UNSET_URL') });
  });

  it('skips the sample with --offline', async () => {
    const { stage, failure } = await sampleStage(resolvePipeline(orders), ORDERS_FILE, { ...options, offline: true });
    expect(failure).toBeUndefined();
    expect(stage).toMatchObject({ status: 'skipped', summary: 'source sample: skipped (--offline)' });
  });
});

describe('check: the source sample of a file source (NDJSON in a temp dir)', () => {
  it('reads the file relative to the pipeline file: update documents hold only what the line carries; a bad line is rejected with its line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-check-file-'));
    mkdirSync(join(dir, 'examples/devices'), { recursive: true });
    writeFileSync(
      join(dir, 'examples/devices/a.ndjson'),
      ['{"device_id":"d-1","at":"2026-12-01T10:00:00.000Z","battery":80}', 'not json', '{"device_id":"d-2","at":"2026-12-01T10:00:01.000Z","location":{"lat":1,"lon":2},"secret":"x"}', ''].join('\n'),
    );
    // pipelines/devices.ts reads ../examples/devices/*.ndjson relative to itself.
    const { stage } = await sampleStage(resolvePipeline(devices), join(dir, 'pipelines', 'devices.ts'), options);
    expect(stage.status).toBe('ok');
    expect(stage.sample?.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/a\.ndjson:2/) }]);
    const documents = stage.sample?.messages.map((m) => m.document);
    expect(documents).toEqual([
      expect.objectContaining({ _id: 'd-1', at: '2026-12-01T10:00:00.000Z', battery: 80 }),
      expect.objectContaining({ _id: 'd-2', location: { lat: 1, lon: 2 } }),
    ]);
    // update: absent fields are left out (a $set of what the line carries), never stored as null.
    expect(documents?.[0]).not.toHaveProperty('location');
    expect(JSON.stringify(stage.sample)).not.toContain('secret');
    expect(stage.summary).toContain('topic devices.status -> <mongo.database>.devices (update): 2 messages');
  });

  it('a missing file is SOURCE_UNREACHABLE naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-check-nofile-'));
    const { failure } = await sampleStage(resolvePipeline(devices), join(dir, 'devices.ts'), options);
    expect(failure).toMatchObject({ code: 'SOURCE_UNREACHABLE' });
    expect(failure?.message).toContain('examples/devices/*.ndjson');
  });
});

describe('check through the CLI', () => {
  it('exits 4 when the source does not answer, the ✗ line and the error naming the URL', { timeout: 180_000 }, async () => {
    const closed = await startExampleOrdersApi();
    await closed.close();
    const run = await runCli(['check', '--pipeline', 'pipelines/orders.ts'], { ORDERS_API_URL: closed.url }, 180_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(4);
    expect(run.stdout).toMatch(/^✗ source sample: httpJson GET .* did not answer$/m);
    expect(run.stderr).toContain(`error: the source of pipeline orders did not answer: httpJson source: GET ${closed.url}`);
    expect(run.stderr).toContain('`streamline check --offline`');
  });
});
