// #23: the dashboard names the pipeline it watches: /api/pipeline, the page header (name : source -> Kafka ->
// Spark -> MongoDB), one streamline_pipeline_info series (no new label on the others), and the local API's
// service row only for a randomuser source. The server runs in-process against ports where nothing listens.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type StreamlineConfig } from '../../../src/config/index.js';
import { startDashboard, type Dashboard } from '../../../src/dashboard/index.js';
import { createMetrics } from '../../../src/dashboard/metrics.js';
import { pipelineView, type PipelineView } from '../../../src/dashboard/pipeline.js';
import type { DashboardSnapshot } from '../../../src/dashboard/views.js';
import { definePipeline, env, httpJson, kafka, randomUser, string } from '../../../src/pipeline/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';
import randomuser from '../../../pipelines/randomuser.js';

const PIPELINES = resolve(import.meta.dirname, '../../../pipelines');

function isolatedConfig(): StreamlineConfig {
  const config = defaultConfig();
  // Nothing listens on these (a block of their own under the test port offset): the collectors fail quietly.
  const base = 42_000 + (Number(process.env.STREAMLINE_TEST_PORT_OFFSET ?? 0) % 20_000);
  return {
    ...config,
    stateDir: '/nonexistent/streamline-dashboard-pipeline-unit',
    kafka: { ...config.kafka, port: base + 1 },
    spark: { ...config.spark, port: base + 2 },
    mongo: { ...config.mongo, port: base + 3 },
    dashboard: { ...config.dashboard, port: 0, refreshMs: 60_000 },
  };
}

const ordersView = pipelineView(resolvePipeline(orders), resolve(PIPELINES, 'orders.ts'), 'streamline');

describe('pipelineView', () => {
  it('names the pipeline, its source, file, Kafka topics and database.collection per topic', () => {
    expect(ordersView).toEqual({
      name: 'orders',
      file: 'pipelines/orders.ts',
      source: { kind: 'http-json', label: 'http:env(ORDERS_API_URL)', title: 'HTTP JSON API' },
      flow: ['HTTP JSON API', 'Kafka', 'Spark Structured Streaming', 'MongoDB'],
      topics: ['orders', 'orders.lines', 'orders.history'],
      collections: ['shop.orders', 'shop.order_lines', 'shop.order_history'],
    });
    const view = pipelineView(resolvePipeline(devices), resolve(PIPELINES, 'devices.ts'), 'streamline');
    expect(view.source).toEqual({ kind: 'file', label: 'file:../examples/devices/*.ndjson', title: 'files' });
    // No database in the pipeline: the configuration's.
    expect(view.collections).toEqual(['streamline.devices']);
    const users = pipelineView(resolvePipeline(randomuser), resolve(PIPELINES, 'randomuser.ts'), 'streamline');
    expect(users).toMatchObject({ name: 'randomuser', source: { kind: 'randomuser', label: 'randomuser', title: 'Random User API' } });
    expect(users.flow[0]).toBe('Random User API');
  });

  it('shows a URL by its host only (never credentials or query), honours a label set on the source as the runtimes do, and starts a kafka() flow at Kafka', () => {
    const http = (url: string, label?: string) =>
      pipelineView(
        resolvePipeline(definePipeline({ name: 'p', source: { ...httpJson({ url, record: { id: string() } }), ...(label ? { label } : {}) }, key: 'id', topics: { t: { fields: { id: string() } } } })),
        '/elsewhere/p.ts',
        'db',
      );
    const secret = http('https://ann:s3cret@api.example.com:8443/v1/items?token=abc');
    expect(secret.source.label).toBe('http:api.example.com:8443');
    expect(JSON.stringify(secret)).not.toMatch(/s3cret|abc/);
    expect(secret.file).toBe('/elsewhere/p.ts');
    expect(http('https://api.example.com/', 'crm').source.label).toBe('crm');
    const remoteUsers = definePipeline({ name: 'u', source: randomUser({ url: env('USERS_URL') }), key: 'login.uuid', topics: { t: { fields: { email: string() }, project: (u, make) => make({ email: u.email }) } } });
    expect(pipelineView(resolvePipeline(remoteUsers), '/p.ts', 'db').source.label).toBe('randomuser:env(USERS_URL)');

    const clicks = pipelineView(resolvePipeline(definePipeline({ name: 'clicks', source: kafka(), topics: { 'web.clicks': { fields: { click_id: string() }, key: 'click_id' } }, sink: { database: 'web' } })), '/p.ts', 'db');
    expect(clicks).toMatchObject({ source: { kind: 'kafka', label: 'kafka' }, flow: ['Kafka topics fed by others', 'Spark Structured Streaming', 'MongoDB'], collections: ['web.web_clicks'] });
  });
});

describe('/metrics: streamline_pipeline_info', () => {
  const snapshot = (): DashboardSnapshot => ({
    at: '2026-01-01T00:00:00.000Z',
    refreshMs: 2_000,
    services: { value: [{ name: 'kafka', title: 'Kafka', address: '127.0.0.1:9092', health: 'healthy', up: true }] },
    topics: { value: [{ topic: 'orders', partitions: 1, endOffsets: { 0: 5 }, produced: 5 }] },
    queries: {},
    supervisor: {},
    collections: { value: [{ collection: 'orders', documents: 4 }] },
    latest: {},
  } as unknown as DashboardSnapshot);

  it('is one series set to 1 with the pipeline, its source label and file; the other series keep their labels', async () => {
    const text = await createMetrics(snapshot, ordersView).metrics();
    expect(text).toContain('streamline_pipeline_info{pipeline="orders",source="http:env(ORDERS_API_URL)",file="pipelines/orders.ts"} 1');
    expect(text).toContain('streamline_service_up{service="kafka",address="127.0.0.1:9092"} 1');
    expect(text).toContain('streamline_topic_produced_records_total{topic="orders"} 5');
    expect(text).toContain('streamline_collection_documents{collection="orders"} 4');
    expect(text.split('\n').filter((line) => line.includes('pipeline=') && !line.startsWith('streamline_pipeline_info'))).toEqual([]);
  });
});

async function getJson<T>(dashboard: Dashboard, path: string): Promise<T> {
  const response = await fetch(new URL(path, dashboard.url));
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Polls the snapshot (deadline 30 s) until the services collector has answered once. */
async function services(dashboard: Dashboard): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const snapshot = await getJson<{ services: { value?: Array<{ name: string }> } }>(dashboard, '/api/snapshot');
    if (snapshot.services.value) return snapshot.services.value.map((s) => s.name);
    if (Date.now() > deadline) throw new Error('the services collector never answered');
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('the dashboard server with a pipeline', () => {
  let http: Dashboard;
  let builtin: Dashboard;
  beforeAll(async () => {
    http = await startDashboard(isolatedConfig(), { pipeline: { resolved: resolvePipeline(orders), file: resolve(PIPELINES, 'orders.ts') }, apiUrl: 'http://127.0.0.1:9/' });
    builtin = await startDashboard(isolatedConfig(), { apiUrl: 'http://127.0.0.1:9/' });
  });
  afterAll(async () => {
    await http?.close();
    await builtin?.close();
  });

  it('serves /api/pipeline and the info series; no local API row for a source other than randomuser', { timeout: 60_000 }, async () => {
    expect(await getJson(http, '/api/pipeline')).toEqual(ordersView);
    expect(await (await fetch(new URL('/metrics', http.url))).text()).toContain('streamline_pipeline_info{pipeline="orders"');
    http.collector.showApi('http://127.0.0.1:9/');
    expect(await services(http)).not.toContain('api');
  });

  it('without a pipeline, is the built-in Random User one, with its local API row', { timeout: 60_000 }, async () => {
    const view = await getJson<PipelineView>(builtin, '/api/pipeline');
    expect(view).toMatchObject({ name: 'randomuser', file: 'pipelines/randomuser.ts', source: { kind: 'randomuser', title: 'Random User API' } });
    expect(await services(builtin)).toContain('api');
  });

  it('the page has a header the script fills from /api/pipeline', async () => {
    const page = await (await fetch(http.url)).text();
    expect(page).toContain('<span class="flow" id="flow">');
    const script = await (await fetch(new URL('/app.js', http.url))).text();
    expect(script).toContain("getJson('api/pipeline')");
  });
});
