// Acceptance of issue 10: the live page in headless Chromium and /metrics, on a pipeline running on
// the browser tier's own embedded services (test/browser/global-setup.ts).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStreaming, stopStreaming } from '../../src/app/streaming.js';
import { mongoUri, type StreamlineConfig } from '../../src/config/index.js';
import { configuredConnection, createRecordWriter } from '../../src/kafka/index.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { producePipeline } from '../../src/app/produce.js';
import type { ProduceSummary } from '../../src/produce/index.js';
import { parseInterval } from '../../src/cli/flags.js';
import { down, up } from '../../src/runtime/index.js';
import { DEAD_LETTERS } from '../../src/sink/index.js';
import { startApiServer, type ApiServer } from '../../src/source/index.js';
import { expectedQueries } from '../../src/stream/index.js';
import { uniqueName } from '../support/services.js';
import { eventually } from '../../harness/poll.js';
import { browserRuntimeConfig } from './runtime.js';
import { spawnCli } from '../../harness/cli.js';
import { BUILTIN, builtinBindings } from '../../harness/builtin-pipeline.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const screenshotDir = join(repoRoot, 'test-results');
const log = (message: string) => process.stdout.write(`[browser] ${message}\n`);

const base = browserRuntimeConfig();
const id = uniqueName('dash');
const config: StreamlineConfig = {
  ...base,
  // Two topics (two queries) keep Spark's share of the two cores small; the page shows whatever is configured.
  topics: ['users.profile', 'users.account'],
  mongo: { ...base.mongo, database: id },
  stream: { ...base.stream, checkpointDir: join(base.stateDir, 'checkpoints', id) },
};
const bindings = builtinBindings(config.topics);
const collections = bindings.map((b) => b.collection);
const refreshMs = config.dashboard.refreshMs;
// Seconds on an idle machine; on a 2-core machine shared with other Spark servers a micro-batch can take
// minutes, so the waits that depend on Spark's progress are generous (they end as soon as the check holds).
const SLOW_SPARK_MS = 300_000;

/** /metrics through a real Prometheus text parser: metric name -> samples. */
async function scrape(dashboard: Dashboard): Promise<Map<string, { labels: Record<string, string>; value: number }[]>> {
  const response = await fetch(`${dashboard.url}metrics`);
  expect(response.status).toBe(200);
  const families = parsePrometheusTextFormat(await response.text());
  return new Map(families.map((f) => [f.name, f.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }))]));
}

const sample = (metrics: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string>) =>
  metrics.get(name)?.find((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v))?.value;

const pageCounts = async (page: Page): Promise<Record<string, number>> =>
  page.$$eval('#collections tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-collection'), Number(r.getAttribute('data-count'))])));

const serviceHealth = (page: Page, name: string) => page.getAttribute(`[data-service="${name}"]`, 'data-health').catch(() => null);

describe('dashboard (issue 10)', () => {
  let api: ApiServer;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let mongo: MongoClient;
  const abort = new AbortController();
  let production: Promise<ProduceSummary>;

  beforeAll(async () => {
    api = await startApiServer({ host: '127.0.0.1', port: 0 });
    const started = await startStreaming(config, bindings);
    started.spark.close();
    log(`queries started: ${started.queries.map((q) => q.name).join(', ')}`);
    dashboard = await startDashboard(config, { apiUrl: api.url });
    log(`dashboard on ${dashboard.url}`);
    production = producePipeline({ ...config, api: { ...config.api, url: api.url }, kafka: { ...config.kafka, replicationFactor: 1, minInsyncReplicas: 1 } }, BUILTIN, {
      topics: bindings.map((b) => b.topic),
      durationMs: 180_000,
      interval: parseInterval('300..800ms'),
      rate: 15,
      batchSize: 25,
      seed: id,
      signal: abort.signal,
      onWarning: (m) => log(`producer: ${m}`),
    });
    // A few records that fail validation, so the dead-letter panel has something to show.
    const producer = createRecordWriter(configuredConnection(config), id);
    try {
      await eventually(async () => (await producer.send({ messages: ['not json at all', '{"schema_version":1}'].map((value) => ({ topic: bindings[0]!.topic, key: Buffer.from('poison'), value: Buffer.from(value) })) }), true), {
        what: 'poison messages sent (topics exist)',
        timeoutMs: 30_000,
      });
    } finally {
      await producer.close();
    }
    mongo = new MongoClient(mongoUri(config));
    await mongo.connect();
    browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await page.goto(dashboard.url);
  });

  // What the dashboard itself saw, when a check fails: the sections' errors and figures.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !dashboard) return;
    const snapshot = (await (await fetch(`${dashboard.url}api/snapshot`)).json()) as Record<string, { error?: string; value?: unknown }>;
    for (const key of ['services', 'topics', 'queries', 'collections'] as const) log(`snapshot ${key}: ${JSON.stringify(snapshot[key]).slice(0, 1500)}`);
  });

  afterAll(async () => {
    abort.abort();
    await production?.catch(() => undefined);
    await browser?.close();
    await dashboard?.close();
    await stopStreaming(config, bindings).catch(() => undefined);
    await api?.close();
    await mongo?.db(config.mongo.database).dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  it('names the pipeline it watches in the header and the title (the built-in Random User one, from /api/pipeline)', async () => {
    const header = await eventually(async () => {
      const text = await page.textContent('#flow');
      return text?.startsWith('randomuser : ') && text;
    }, { what: 'the pipeline in the page header', timeoutMs: 30_000 });
    expect(header).toBe('randomuser : Random User API → Kafka → Spark Structured Streaming → MongoDB');
    expect(await page.title()).toBe('streamline · randomuser · pipeline dashboard');
  });

  it('shows every collection growing and every query active with a non-zero processed rate', async () => {
    const first = await eventually(async () => {
      const counts = await pageCounts(page);
      return collections.every((c) => (counts[c] ?? 0) > 0) && counts;
    }, { what: 'a non-zero count for every collection on the page', timeoutMs: SLOW_SPARK_MS });
    log(`first counts on the page: ${JSON.stringify(first)}`);
    const grown = await eventually(async () => {
      const counts = await pageCounts(page);
      return collections.every((c) => (counts[c] ?? 0) > (first[c] ?? 0)) && counts;
    }, { what: 'every collection count on the page to increase', timeoutMs: SLOW_SPARK_MS });
    log(`later counts on the page: ${JSON.stringify(grown)}`);

    const queries = await eventually(async () => {
      const rows = await page.$$eval('#queries tbody tr', (trs) =>
        trs.map((r) => ({ name: r.getAttribute('data-query'), active: r.getAttribute('data-active'), rate: Number(r.getAttribute('data-processed-rate')) })),
      );
      return rows.length === expectedQueries(bindings, config.stream.queries).length && rows.every((r) => r.active === 'true' && r.rate > 0) && rows;
    }, { what: 'every query active with a non-zero processed rate on the page', timeoutMs: SLOW_SPARK_MS });
    log(`queries on the page: ${JSON.stringify(queries)}`);
    await eventually(async () => (await page.$$('#dead-letters tbody tr')).length > 0, { what: 'dead letters on the page', timeoutMs: SLOW_SPARK_MS });
    // Let the charts gather a few points before the picture.
    await eventually(async () => ((await (await fetch(`${dashboard.url}api/history`)).json()) as unknown[]).length >= 10, { what: '10 chart points' });
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'dashboard.png'), fullPage: true });
    expect(await page.locator('#services [data-service]').count()).toBeGreaterThanOrEqual(4);
  });

  it('/metrics parses as Prometheus text and its document counts agree with MongoDB within one refresh interval', async () => {
    const db = mongo.db(config.mongo.database);
    for (const collection of [...collections, DEAD_LETTERS]) {
      const before = await db.collection(collection).countDocuments();
      const t0 = Date.now();
      // Within one refresh (plus the time one count takes), the exported figure reaches what MongoDB had...
      const exported = await eventually(async () => {
        const value = sample(await scrape(dashboard), 'streamline_collection_documents', { collection });
        return value !== undefined && value >= before && value;
      }, { what: `${collection} in /metrics to reach ${before}`, timeoutMs: 2 * refreshMs + 2_000, intervalMs: 100 });
      // ...and never runs ahead of it.
      const after = await db.collection(collection).countDocuments();
      log(`${collection}: MongoDB ${before}..${after}, /metrics ${exported} after ${Date.now() - t0} ms`);
      expect(exported).toBeLessThanOrEqual(after);
    }
    const metrics = await scrape(dashboard);
    for (const b of bindings) {
      expect(sample(metrics, 'streamline_topic_produced_records_total', { topic: b.topic })).toBeGreaterThan(0);
      expect(sample(metrics, 'streamline_query_processed_records_total', { query: `ingest_${b.collection}` })).toBeGreaterThan(0);
    }
    expect(sample(metrics, 'streamline_service_up', { service: 'ferretdb' })).toBe(1);
    expect(sample(metrics, 'streamline_dead_letters', { topic: bindings[0]!.topic })).toBeGreaterThan(0);
  });

  it('per-query lag falls to 0 once the producer stops', async () => {
    abort.abort();
    const summary = await production;
    log(`producer stopped after ${summary.elapsedMs} ms`);
    const t0 = Date.now();
    await eventually(async () => {
      const lags = (await scrape(dashboard)).get('streamline_query_lag_records') ?? [];
      const queried = new Set(lags.map((l) => l.labels.query));
      return queried.size === expectedQueries(bindings, config.stream.queries).length && lags.every((l) => l.value === 0);
    }, { what: 'lag 0 for every query in /metrics', timeoutMs: SLOW_SPARK_MS });
    log(`lag reached 0 ${Date.now() - t0} ms after the producer stopped`);
    await eventually(async () => (await page.$$eval('#queries tbody tr', (trs) => trs.every((r) => r.getAttribute('data-lag') === '0'))), { what: 'lag 0 on the page' });
  });

  it('turns FerretDB red on the page and up 0 in /metrics within 10 s of stopping it, and recovers', async () => {
    const t0 = Date.now();
    await down(base, { only: ['ferretdb'] });
    const stoppedAt = Date.now();
    await eventually(async () => {
      const health = await serviceHealth(page, 'ferretdb');
      const metric = sample(await scrape(dashboard), 'streamline_service_up', { service: 'ferretdb' });
      return health !== 'healthy' && health !== null && metric === 0;
    }, { what: 'ferretdb red on the page and up 0 in /metrics', timeoutMs: 10_000, intervalMs: 200 });
    log(`FerretDB stopped in ${stoppedAt - t0} ms; red on the page and in /metrics ${Date.now() - stoppedAt} ms later`);
    expect(await page.locator('[data-service="ferretdb"].down').count()).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'dashboard-ferretdb-down.png'), fullPage: false });

    await up(base, { only: ['ferretdb'] });
    const restartedAt = Date.now();
    await eventually(async () => {
      const health = await serviceHealth(page, 'ferretdb');
      const metric = sample(await scrape(dashboard), 'streamline_service_up', { service: 'ferretdb' });
      const counts = await pageCounts(page);
      const stale = await page.textContent('#collections-error');
      return health === 'healthy' && metric === 1 && !stale && collections.every((c) => (counts[c] ?? 0) > 0);
    }, { what: 'ferretdb healthy again and the collections back on the page', timeoutMs: 60_000 });
    log(`recovered ${Date.now() - restartedAt} ms after the restart`);
  });

  it('refuses to bind 0.0.0.0 without a token, with a clear message and exit code 2', async () => {
    const outside = { ...config, dashboard: { ...config.dashboard, host: '0.0.0.0', port: 0 } };
    await expect(startDashboard(outside, { explicitHost: true })).rejects.toThrow(/refusing to serve the dashboard on 0\.0\.0\.0:0 without an access token: set STREAMLINE_DASHBOARD_TOKEN/);
    const cli = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const env = { ...process.env, STREAMLINE_STATE_DIR: base.stateDir, STREAMLINE_DASHBOARD_TOKEN: '' };
      const child = spawnCli(['dashboard', '--host', '0.0.0.0', '--port', String(config.dashboard.port)], { env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('without an access token');

    // With a token, every request must carry it (and a wrong one is refused).
    const guarded = await startDashboard(outside, { explicitHost: true, token: 'test-token-0123456789' });
    try {
      const port = new URL(guarded.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer test-token-0123456789' } })).status).toBe(200);
      // ?token= only on the login route, which sets the session cookie and sends the browser to the page.
      expect((await fetch(`http://127.0.0.1:${port}/?token=test-token-0123456789`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/login?token=test-token-0123456789`, { redirect: 'manual' })).status).toBe(303);
    } finally {
      await guarded.close();
    }
  });
});
