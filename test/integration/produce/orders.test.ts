// The orders example's source (httpJson, cursor pages, env URL and token) through the generic producer
// onto the shared broker: every valid feed entry once on each topic (versions of an order included: only
// the Random User source drops repeated keys), line items exploded, PII masked by the pipeline's rule,
// and a second run resuming at the stored end position with nothing left to send.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { producePipeline } from '../../../src/app/produce.js';
import { loadPipeline } from '../../../src/pipeline/load.js';
import { startExampleOrdersApi } from '../../../src/source/http/example-orders.js';
import { readTopicLogs } from '../../support/kafka-log.js';
import { testServices, uniqueName } from '../../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-produce-orders-'));
const ORDERS_FILE = resolve(import.meta.dirname, '../../../pipelines/orders.ts');
const saved = { url: process.env.ORDERS_API_URL, token: process.env.ORDERS_API_TOKEN };
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of [['ORDERS_API_URL', saved.url], ['ORDERS_API_TOKEN', saved.token]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('producing the orders example (httpJson with cursor pages)', () => {
  it('sends every valid feed entry once per topic and resumes at the end', async () => {
    const api = await startExampleOrdersApi({ orders: 120, pageSize: 20, token: 'Bearer it-token' });
    try {
      process.env.ORDERS_API_URL = api.url;
      process.env.ORDERS_API_TOKEN = 'Bearer it-token';
      const loaded = await loadPipeline({ file: ORDERS_FILE, origin: 'flag' });
      const shared = testRuntimeConfig('shared', 'integration');
      const config = { ...shared, stateDir: join(dir, 'state'), kafka: { ...shared.kafka, bootstrapServers: testServices().kafkaBootstrap } };
      const names = { orders: uniqueName('orders'), 'orders.lines': uniqueName('order_lines'), 'orders.history': uniqueName('order_history') };
      const warnings: string[] = [];
      const run = () => producePipeline(config, loaded, { topicNames: names, pii: 'mask', batchSize: 20, onWarning: (m) => warnings.push(m) });

      const first = await run();
      expect(first.stopReason).toBe('source-end');
      const valid = api.feed.filter((entry) => entry.malformed === undefined);
      const malformed = api.feed.length - valid.length;
      expect(first.invalid).toBe(malformed);
      expect(warnings.filter((w) => w.startsWith('invalid record from http:'))).toHaveLength(malformed);
      const lines = valid.reduce((sum, entry) => sum + (entry.order.lines as unknown[]).length, 0);
      expect(first.produced).toEqual({ [names.orders]: valid.length, [names['orders.lines']]: lines, [names['orders.history']]: valid.length });
      const position = JSON.parse(readFileSync(join(dir, 'state', 'orders', 'source-position.json'), 'utf8')) as unknown;
      expect(position).toEqual({ from: { kind: 'end' }, skip: 0 });

      const logs = await readTopicLogs(testServices().kafkaBootstrap, Object.values(names));
      const values = (topic: string) => (logs.get(topic)?.messages ?? []).map((m) => ({ key: m.key, value: JSON.parse(m.value ?? '{}') as { id: string; data: Record<string, unknown> } }));
      const history = values(names['orders.history']);
      expect(history.map((m) => `${m.key}:${String(m.value.data.status)}`).sort()).toEqual(valid.map((e) => `${String(e.order.id)}:${String(e.order.status)}`).sort());
      // Each version of an order sends its lines again, under the same keys (replace keeps the latest).
      const lineKeys = new Set(valid.flatMap((e) => (e.order.lines as unknown[]).map((_, i) => `${String(e.order.id)}/${i}`)));
      expect(new Set(values(names['orders.lines']).map((m) => m.key))).toEqual(lineKeys);
      const email = (values(names.orders)[0]?.value.data.customer as { email: string }).email;
      expect(email).toMatch(/^.\*\*\*@/);

      // Resumed at the end: nothing more to read, nothing sent twice.
      const second = await run();
      expect(second.stopReason).toBe('source-end');
      expect(Object.values(second.produced)).toEqual([0, 0, 0]);
    } finally {
      await api.close();
    }
  }, 300_000);
});
