// Issue 23's acceptance for the example pipelines of other shapes, end to end on the shared runtime:
// pipelines/orders.ts (httpJson with cursor pages from the local fake, three topics, replace + insert),
// pipelines/devices.ts (NDJSON files, update: partial records merged per device), and the template of
// `init --source kafka` (bare JSON values someone else's producer writes). Each is produced (the kafka one
// by a plain Kafka producer), streamed by its own queries into a database of its own, and read back: every
// source record in every collection once, with the content the source sent, and poison written straight
// into Kafka in dead_letters with its reason.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Document } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForCatchUp } from '../../../src/app/lag.js';
import { producePipeline } from '../../../src/app/produce.js';
import { pipelineStreaming, startStreaming, stopStreaming } from '../../../src/app/streaming.js';
import type { StreamlineConfig } from '../../../src/config/index.js';
import { createRecordWriter, kafkaConnection } from '../../../src/kafka/index.js';
import { loadPipeline, type LoadedPipeline } from '../../../src/pipeline/load.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { selectTopics } from '../../../src/pipeline/select.js';
import { startExampleOrdersApi } from '../../../src/source/http/example-orders.js';
import type { TopicBinding } from '../../../src/stream/index.js';
import { testServices, uniqueName } from '../../support/services.js';
import { readCollection, sharedConfig, withMongo } from './helpers.js';

const repo = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'streamline-examples-'));
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const log = (message: string) => process.stdout.write(`[examples e2e] ${message}\n`);

interface Run {
  config: StreamlineConfig;
  bindings: TopicBinding[];
  /** Kafka name of each of the pipeline's topics. */
  names: Record<string, string>;
}

/** The pipeline on the shared runtime, with unique Kafka topics, database, state and checkpoints. */
function isolate(loaded: LoadedPipeline, label: string): Run {
  const shared = sharedConfig();
  const id = uniqueName(label);
  const stateDir = join(dir, id);
  const config: StreamlineConfig = {
    ...shared,
    stateDir,
    kafka: { ...shared.kafka, bootstrapServers: testServices().kafkaBootstrap },
    stream: { ...shared.stream, checkpointDir: join(stateDir, 'checkpoints') },
  };
  const names = Object.fromEntries(Object.keys(loaded.pipeline.topics).map((topic) => [topic, uniqueName(`${label}.${topic}`)]));
  // The pipeline's own database (orders: `shop`) would win over the configuration's: the test's wins here.
  const resolved = { ...selectTopics(resolvePipeline(loaded.pipeline), { kafkaTopics: names }, loaded.file), database: id };
  const streaming = pipelineStreaming(config, resolved);
  cleanups.push(async () => {
    await stopStreaming(streaming.config, streaming.bindings).catch(() => undefined);
    await withMongo(streaming.config, (mongo) => mongo.db(id).dropDatabase()).catch(() => undefined);
  });
  return { config: streaming.config, bindings: streaming.bindings, names };
}

async function stream(run: Run): Promise<void> {
  const started = await startStreaming(run.config, run.bindings);
  started.spark.close();
}

/** Messages no schema accepts, written straight to `topic`: each must become a dead letter with a reason. */
async function poison(topic: string, values: string[]): Promise<void> {
  const writer = createRecordWriter(kafkaConnection(testServices().kafkaBootstrap), uniqueName('poison'));
  try {
    await writer.send({ messages: values.map((value, i) => ({ topic, key: Buffer.from(`poison-${i}`), value: Buffer.from(value) })) });
  } finally {
    await writer.close();
  }
}

/** Every collection of the run once the queries caught up with Kafka (dead letters are written in the same batches). */
async function landed(run: Run): Promise<Record<string, Document[]>> {
  await waitForCatchUp(run.config, { timeoutMs: 300_000, bindings: run.bindings });
  const collections = [...new Set(run.bindings.map((b) => b.collection)), run.bindings[0]!.deadLetters];
  return Object.fromEntries(await Promise.all(collections.map(async (c) => [c, await readCollection(run.config, c)] as const)));
}

const byId = (documents: Document[]) => new Map(documents.map((d) => [String(d._id), d]));

describe('the example pipelines end to end (issue 23)', () => {
  it('orders (httpJson, cursor pages): the latest version of each order, each line once, every version in the insert-only history, poison in dead_letters', async () => {
    const api = await startExampleOrdersApi({ orders: 150, pageSize: 25, token: 'Bearer e2e' });
    cleanups.push(() => api.close());
    process.env.ORDERS_API_URL = api.url;
    process.env.ORDERS_API_TOKEN = 'Bearer e2e';
    cleanups.push(async () => {
      delete process.env.ORDERS_API_URL;
      delete process.env.ORDERS_API_TOKEN;
    });
    const loaded = await loadPipeline({ file: join(repo, 'pipelines/orders.ts'), origin: 'flag' });
    const run = isolate(loaded, 'orders');
    await stream(run);

    const summary = await producePipeline(run.config, loaded, { topicNames: run.names, pii: 'mask', batchSize: 25 });
    const valid = api.feed.filter((entry) => entry.malformed === undefined);
    expect(summary.invalid).toBe(api.feed.length - valid.length);
    log(`produced ${JSON.stringify(summary.produced)} from ${api.feed.length} feed entries (${summary.invalid} malformed, rejected at the source)`);
    await poison(run.names.orders!, ['{"schema_version":1}', 'not json at all']);
    // A whole envelope whose record breaks the topic's schema: the reason names the field.
    const envelope = { schema_version: 1, source: 'test', fetched_at: '2026-12-01T00:00:00.000Z', produced_at: '2026-12-01T00:00:00.000Z', id: 'o-x' };
    await poison(run.names['orders.history']!, [JSON.stringify({ ...envelope, data: { order_id: 'o-x', status: 'lost', seen_at: '2026-12-01T00:00:00.000Z' } })]);

    const documents = await landed(run);
    // The feed serves later versions of an order on later pages; replace keeps the last one.
    const latest = new Map(valid.map((entry) => [String(entry.order.id), entry.order]));
    const orders = byId(documents.orders!);
    expect([...orders.keys()].sort()).toEqual([...latest.keys()].sort());
    for (const [id, order] of latest) {
      const lines = order.lines as Array<{ qty: number; unit_price: number }>;
      expect(orders.get(id), id).toMatchObject({ status: order.status, placed_at: order.placed_at, line_count: lines.length, customer: { id: (order.customer as { id: string }).id } });
      expect(orders.get(id)!.total).toBeCloseTo(lines.reduce((sum, line) => sum + line.qty * line.unit_price, 0), 6);
      expect(orders.get(id)!.customer.email, 'masked by the pipeline\'s pii rule').toMatch(/^.\*\*\*@/);
    }
    const lines = byId(documents.order_lines!);
    const expectedLines = [...latest].flatMap(([id, order]) => (order.lines as Array<{ sku: string; qty: number }>).map((line, i) => [`${id}/${i}`, line] as const));
    expect([...lines.keys()].sort()).toEqual(expectedLines.map(([key]) => key).sort());
    for (const [key, line] of expectedLines) expect(lines.get(key), key).toMatchObject({ sku: line.sku, qty: line.qty });
    // insert: one document per Kafka record, _id = topic/partition/offset, every version of every order.
    const history = documents.order_history!;
    expect(history.map((d) => `${String(d.order_id)}:${String(d.status)}`).sort()).toEqual(valid.map((e) => `${String(e.order.id)}:${String(e.order.status)}`).sort());
    for (const d of history) expect(String(d._id)).toMatch(new RegExp(`^${run.names['orders.history']!.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    const deadLetters = documents.dead_letters!;
    expect(deadLetters.map((d) => d.topic).sort()).toEqual([run.names.orders, run.names.orders, run.names['orders.history']].sort());
    for (const d of deadLetters) expect(String(d.reason), JSON.stringify(d.value)).not.toBe('');
    expect(deadLetters.find((d) => d.topic === run.names['orders.history'])!.reason).toMatch(/status/);
    log(`orders ${orders.size}, lines ${lines.size}, history ${history.length}, dead letters ${deadLetters.map((d) => d.reason).join(' | ')}`);
  }, 600_000);

  it('devices (NDJSON files, update): one document per device with each field at its last value sent, the out-of-range line rejected at the source, poison in dead_letters', async () => {
    const loaded = await loadPipeline({ file: join(repo, 'pipelines/devices.ts'), origin: 'flag' });
    const run = isolate(loaded, 'devices');
    await stream(run);
    const summary = await producePipeline(run.config, loaded, { topicNames: run.names, batchSize: 10 });
    await poison(run.names['devices.status']!, ['{"schema_version":1,"id":"dev-99","data":{"at":"noon","battery":-5}}']);

    // What the files say, folded in file order: each record $sets the fields it carries.
    const folder = join(repo, 'examples/devices');
    type Reading = { device_id: string; at: string; battery?: number; online?: boolean; location?: { lat: number; lon: number }; label?: string | null };
    const readings = readdirSync(folder)
      .filter((f) => f.endsWith('.ndjson'))
      .sort()
      .flatMap((f) => readFileSync(join(folder, f), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Reading));
    const accepted = readings.filter((r) => r.battery === undefined || (r.battery >= 0 && r.battery <= 100));
    expect(summary.invalid).toBe(readings.length - accepted.length);
    expect(summary.invalid).toBeGreaterThan(0);
    const expected = new Map<string, Omit<Reading, 'device_id' | 'label'>>();
    // label is in the files but not a field of the topic: never stored.
    for (const { device_id: id, label: _label, ...fields } of accepted) expected.set(id, { ...expected.get(id), ...fields });

    const documents = await landed(run);
    const devices = byId(documents.devices!);
    expect([...devices.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, fields] of expected) {
      expect(devices.get(id), id).toMatchObject(fields);
      expect(devices.get(id)!.label, 'label is not a field of the topic').toBeUndefined();
    }
    expect(documents.dead_letters!.map((d) => [d.topic, d.key])).toEqual([[run.names['devices.status'], 'poison-0']]);
    log(`devices ${devices.size} from ${accepted.length} readings; dead letter: ${documents.dead_letters![0]!.reason}`);
  }, 600_000);

  it('a kafka() source of bare values (init --source kafka): each click once by its click_id, its latest version, Kafka\'s time as produced_at, bad values in dead_letters', async () => {
    const loaded = await loadPipeline({ file: join(repo, 'examples/init/kafka.ts'), origin: 'flag' });
    const run = isolate(loaded, 'clicks');
    await stream(run);
    const topic = run.names['web.clicks']!;
    const click = (i: number, page: string) => ({ click_id: `k-${i}`, at: `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`, page, session: `s-${i % 7}`, ...(i % 3 === 0 ? { viewport: { width: 1280, height: 720 } } : {}) });
    const clicks = Array.from({ length: 60 }, (_, i) => click(i, `/p/${i}`));
    // A producer of someone else's, keyed by click id (so a click's versions share a partition and keep their
    // order), and a click sent again with a new page; the bad values carry no key at all.
    const again = click(5, '/p/5-again');
    const bad = ['{"at":"2026-12-01T10:00:00.000Z","page":"/x","session":"s"}', JSON.stringify({ ...click(99, 'no-slash') }), 'not json'];
    const writer = createRecordWriter(kafkaConnection(testServices().kafkaBootstrap), uniqueName('clicks'));
    try {
      await writer.send({ messages: [...clicks, again].map((c) => ({ topic, key: Buffer.from(c.click_id), value: Buffer.from(JSON.stringify(c)) })) });
      await writer.send({ messages: bad.map((value) => ({ topic, value: Buffer.from(value) })) });
    } finally {
      await writer.close();
    }

    const documents = await landed(run);
    const stored = byId(documents.clicks!);
    const latest = new Map([...clicks, again].map((c) => [c.click_id, c]));
    expect([...stored.keys()].sort()).toEqual([...latest.keys()].sort());
    for (const [id, c] of latest) {
      expect(stored.get(id), id).toMatchObject({ ...c, source: `kafka:${topic}`, schema_version: 1 });
      expect(stored.get(id)!.produced_at, 'Kafka\'s timestamp, as ISO-8601 UTC').toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(String(stored.get(id)!.produced_at)) - Date.now())).toBeLessThan(15 * 60_000);
    }
    const reasons = documents.dead_letters!.map((d) => String(d.reason)).sort();
    expect(reasons).toHaveLength(3);
    expect(reasons.join(' | ')).toMatch(/click_id/);
    expect(reasons.join(' | ')).toMatch(/page/);
    expect(reasons.join(' | ')).toMatch(/not a JSON object/);
    log(`clicks ${stored.size} from ${clicks.length + 1} values; dead letters: ${reasons.join(' | ')}`);
  }, 600_000);
});
