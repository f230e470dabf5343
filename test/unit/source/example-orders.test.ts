// The fake orders API (deterministic, cursor-paged, re-served and malformed orders) read through the
// orders example's own source declaration, and normalize() on the orders and devices examples.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';
import { closedPort, spawnCli } from '../../../harness/cli.js';
import { StreamlineError } from '../../../src/core/errors.js';
import { exampleOrdersFeed, startExampleOrdersApi, type ExampleOrdersServer } from '../../../src/source/http/example-orders.js';
import type { SourcePage, SourceRuntime } from '../../../src/source/runtime.js';
import { sourceRuntime } from '../../../src/source/source-runtime.js';

const servers: ExampleOrdersServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
const root = mkdtempSync(join(tmpdir(), 'streamline-examples-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect<R>(runtime: SourceRuntime<R>): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const p of runtime.pages(undefined)) pages.push(p);
  return pages;
}

function ordersRuntime(url: string, env: NodeJS.ProcessEnv = {}) {
  if (orders.source.kind !== 'http-json') throw new Error('pipelines/orders.ts is an httpJson pipeline');
  return sourceRuntime(orders.source, { baseDir: join(process.cwd(), 'pipelines'), env: { ORDERS_API_URL: url, ...env } });
}

describe('the example orders feed', () => {
  it('is the same for a seed and different for another', () => {
    expect(exampleOrdersFeed({ seed: 7 })).toEqual(exampleOrdersFeed({ seed: 7 }));
    expect(exampleOrdersFeed({ seed: 7 })).not.toEqual(exampleOrdersFeed({ seed: 8 }));
  });

  it('has every order once at version 1, some again with a newer status on a later page, and a few malformed', () => {
    const pageSize = 50;
    const feed = exampleOrdersFeed({ orders: 300, pageSize });
    const firsts = feed.filter((e) => e.version === 1);
    expect(new Set(firsts.map((e) => e.order.id)).size).toBe(300);
    const malformed = feed.filter((e) => e.malformed !== undefined);
    expect(malformed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(malformed.map((e) => e.malformed)).size).toBeGreaterThanOrEqual(3);
    const later = feed.filter((e) => e.version > 1);
    expect(later.length).toBeGreaterThanOrEqual(10);
    const pageOf = (id: unknown, version: number) => Math.floor(feed.findIndex((e) => e.order.id === id && e.version === version) / pageSize);
    for (const entry of later) {
      expect(pageOf(entry.order.id, entry.version)).toBeGreaterThan(pageOf(entry.order.id, entry.version - 1));
      expect(entry.order.status).not.toBe('placed');
    }
  });
});

describe('the example orders API through pipelines/orders.ts', () => {
  it('serves the feed page by page with next_cursor, and the source reads all of it', async () => {
    const api = await startExampleOrdersApi({ orders: 120, pageSize: 25 });
    servers.push(api);
    const runtime = ordersRuntime(api.url);
    const pages = await collect(runtime);
    expect(pages.flatMap((p) => p.records)).toEqual(api.feed.map((e) => e.order));
    expect(pages).toHaveLength(Math.ceil(api.feed.length / 25));
    expect(pages.at(-1)?.position).toEqual({ kind: 'end' });
    expect(pages[0]?.position).toMatchObject({ kind: 'cursor' });
    expect(runtime.describe()).toContain('Authorization: env(ORDERS_API_TOKEN)');
  });

  it('normalize accepts the valid orders and rejects each malformed kind with a reason naming the field', async () => {
    const api = await startExampleOrdersApi({ orders: 300 });
    servers.push(api);
    const runtime = ordersRuntime(api.url);
    const raws = (await collect(runtime)).flatMap((p) => p.records);
    const results = raws.map((raw) => runtime.normalize(raw));
    api.feed.forEach((entry, i) => expect(results[i]?.ok, `${String(entry.order.id)} (${entry.malformed ?? 'valid'})`).toBe(entry.malformed === undefined));
    const reasonOf = (kind: string) => {
      const i = api.feed.findIndex((e) => e.malformed === kind);
      const result = results[i];
      return result && !result.ok ? result.reason : undefined;
    };
    expect(reasonOf('no lines')).toMatch(/^lines: /);
    expect(reasonOf('unknown status')).toMatch(/^status: /);
    expect(reasonOf('no customer')).toMatch(/^customer: /);
    const valid = results.find((r) => r.ok);
    expect(valid?.ok && valid.record).toMatchObject({ id: expect.stringMatching(/^o-\d{5}$/), status: expect.any(String), lines: expect.any(Array) });
  });

  it('sends the Authorization header from env, and a wrong one is refused without retry', async () => {
    const api = await startExampleOrdersApi({ orders: 10, token: 'Bearer t0ps3cret' });
    servers.push(api);
    expect((await collect(ordersRuntime(api.url, { ORDERS_API_TOKEN: 'Bearer t0ps3cret' }))).flatMap((p) => p.records)).toHaveLength(api.feed.length);
    const error = await collect(ordersRuntime(api.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamlineError);
    expect((error as StreamlineError).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/orders \(the first page\) failed with an error not worth retrying \(attempt 1\): HTTP 401/);
  });
});

describe('normalize on the devices example', () => {
  it('reads partial status lines (examples/ next to pipelines/), keeps what is declared, and rejects malformed lines with file:line', async () => {
    const dir = join(root, 'devices');
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    mkdirSync(join(dir, 'examples/devices'), { recursive: true });
    const lines = [
      { device_id: 'd-1', at: '2026-12-01T10:00:00.000Z', battery: 90, firmware: '1.2' },
      { device_id: 'd-1', at: '2026-12-01T10:05:00.000Z', location: { lat: 51.5, lon: -0.1 } },
      { device_id: 'd-2', at: '2026-12-01T10:06:00.000Z', online: false, label: null },
      { device_id: 'd-3', at: 'now', battery: 50 },
      { device_id: 'd-4', at: '2026-12-01T10:07:00.000Z', battery: 120 },
    ];
    writeFileSync(join(dir, 'examples/devices/a.ndjson'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{oops\n`);
    if (devices.source.kind !== 'file') throw new Error('pipelines/devices.ts is a file pipeline');
    // The path is relative to the pipeline file's directory, as the loader will give it.
    const runtime = sourceRuntime(devices.source, { baseDir: join(dir, 'pipelines') });
    const results = (await collect(runtime)).flatMap((p) => p.records).map((raw) => runtime.normalize(raw));
    expect(results).toEqual([
      { ok: true, record: { device_id: 'd-1', at: '2026-12-01T10:00:00.000Z', battery: 90 } },
      { ok: true, record: { device_id: 'd-1', at: '2026-12-01T10:05:00.000Z', location: { lat: 51.5, lon: -0.1 } } },
      { ok: true, record: { device_id: 'd-2', at: '2026-12-01T10:06:00.000Z', online: false, label: null } },
      { ok: false, reason: expect.stringMatching(/\/examples\/devices\/a\.ndjson:4: at: /) },
      { ok: false, reason: expect.stringMatching(/\/examples\/devices\/a\.ndjson:5: battery: /) },
      { ok: false, reason: expect.stringMatching(/\/examples\/devices\/a\.ndjson:6: not JSON/) },
    ]);
  });
});

describe('streamline example-api orders', () => {
  it('serves the fake orders API until interrupted; an unknown example is a usage error', async () => {
    const child = spawnCli(['example-api', 'orders', '--port', String(await closedPort()), '--orders', '20', '--page-size', '8', '--token', 'Bearer t']);
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on (\S+) \((\d+) feed entries\)/.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.on('close', (code) => reject(new Error(`exited ${code} before listening: ${stdout}`)));
    });
    try {
      expect(await fetch(url).then((r) => r.status)).toBe(401);
      const body = (await fetch(url, { headers: { authorization: 'Bearer t' } }).then((r) => r.json())) as { data: unknown[]; next_cursor: string | null };
      expect(body.data).toHaveLength(8);
      expect(body.data).toEqual(exampleOrdersFeed({ orders: 20 }).slice(0, 8).map((entry) => entry.order));
      expect(body.next_cursor).toEqual(expect.any(String));
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
    expect(stdout).toContain('stopped.');

    const wrong = spawnCli(['example-api', 'shop']);
    let stderr = '';
    wrong.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    expect(await new Promise((resolve) => wrong.on('close', resolve))).toBe(2);
    expect(stderr).toContain('unknown example API "shop"; the examples are: orders');
  }, 60_000);
});
