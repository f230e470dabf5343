// Issue 13, security checks on real services (the shared single-node Kafka, Spark Connect, FerretDB):
// - the secret scan: users produced from the local API (its --secrets-log on) flow through the pipeline
//   into the store; scanning every topic and collection for every served password/salt/hash finds
//   nothing, and a planted value is found both in Kafka and (through the dead-letter path) in the store;
// - PII policies hash and mask: no raw email, phone or cell the API served is in Kafka or the store.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecretsLog, scanForSecrets } from '../../../harness/secrets.js';
import { startStreaming } from '../../../src/app/streaming.js';
import { mongoUri } from '../../../src/config/index.js';
import { createRecordWriter, kafkaConnection } from '../../../src/kafka/index.js';
import type { PiiPolicy } from '../../../src/model/index.js';
import { startApiServer, type ApiServer } from '../../../src/source/index.js';
import { testServices } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';
import { API_NOW, counts, disposeFixture, expectProduced, pipelineFixture, produce, waitForCounts, type PipelineFixture } from '../stream/helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const log = (message: string) => process.stdout.write(`[security] ${message}\n`);
const USERS = 200;

async function loggingApi(): Promise<{ server: ApiServer; secretsLog: string }> {
  const secretsLog = join(mkdtempSync(join(tmpdir(), 'streamline-secrets-')), 'served-secrets.jsonl');
  const server = await startApiServer({ host: '127.0.0.1', port: 0, now: () => API_NOW, secretsLog });
  cleanups.push(() => server.close());
  return { server, secretsLog };
}

/** Starts the fixture's queries, produces `USERS` users with `pii` and waits until every collection holds them. */
async function runPipeline(fixture: PipelineFixture, server: ApiServer, seed: string, pii: PiiPolicy): Promise<void> {
  cleanups.push(() => disposeFixture(fixture));
  (await startStreaming(fixture.config, fixture.bindings)).spark.close();
  const summary = await produce(server, fixture, { count: USERS, seed, batchSize: 50, pii });
  expectProduced(summary, fixture, USERS);
  const final = await waitForCounts(fixture, Object.fromEntries(fixture.bindings.map((b) => [b.collection, USERS])), { timeoutMs: 360_000, quietMs: 120_000, log: (m) => log(`${fixture.config.mongo.database}: ${m}`) });
  for (const b of fixture.bindings) expect(final[b.collection], b.collection).toBe(USERS);
  expect(final.dead_letters).toBe(0);
}

const scan = (fixture: PipelineFixture, secrets: string[]) =>
  scanForSecrets({
    kafkaBootstrap: testServices().kafkaBootstrap,
    topics: fixture.bindings.map((b) => b.topic),
    mongoUri: mongoUri(fixture.config),
    database: fixture.config.mongo.database,
    secrets,
  });

describe('security checks on a pipeline run (issue 13)', () => {
  it('secret scan: no served password, salt or hash anywhere in Kafka or the store; a planted one is found in both', async () => {
    const t0 = Date.now();
    const { server, secretsLog } = await loggingApi();
    const fixture = pipelineFixture('secscan');
    await runPipeline(fixture, server, 'security-secret-scan', 'hash');

    const lines = readFileSync(secretsLog, 'utf8').trim().split('\n');
    expect(lines.length).toBe(USERS * 5);
    const secrets = readSecretsLog(secretsLog);
    expect(secrets.length).toBeGreaterThan(USERS * 4);

    const clean = await scan(fixture, secrets);
    log(`clean run: ${clean.scanned.messages} messages, ${clean.scanned.documents} documents, ${secrets.length} secrets, ${clean.hits.length} hits (${Date.now() - t0} ms)`);
    expect(clean.hits).toEqual([]);
    expect(clean.scanned.messages).toBe(USERS * fixture.bindings.length);
    expect(clean.scanned.documents).toBe(USERS * fixture.bindings.length);

    // Negative control: one served hash and one served password written straight to a pipeline topic.
    // The scan must see them in Kafka, and in the store once the pipeline dead-letters the record.
    const [hash, password] = [secrets.find((s) => /^[0-9a-f]{64}$/.test(s)), JSON.parse(lines[0] as string).value as string];
    expect(hash).toBeDefined();
    const topic = fixture.binding('users.contact').topic;
    const producer = createRecordWriter(kafkaConnection(testServices().kafkaBootstrap), 'secret-plant');
    cleanups.push(() => producer.close());
    await producer.send({ messages: [{ topic, key: Buffer.from('planted'), value: Buffer.from(JSON.stringify({ note: `leaked ${hash} and ${password}` })) }] });
    // A record that is not valid UTF-8 is dead-lettered base64-encoded: the scan decodes it.
    const hiddenHash = secrets.find((s) => /^[0-9a-f]{64}$/.test(s) && s !== hash) as string;
    await producer.send({ messages: [{ topic, key: Buffer.from('planted-binary'), value: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(` ${hiddenHash} `)]) }] });
    await eventually(async () => (await counts(fixture)).dead_letters === 2, { timeoutMs: 120_000, what: 'the planted records in dead_letters' });

    const dirty = await scan(fixture, secrets);
    log(`planted: ${dirty.hits.map((h) => `${h.where}`).join('; ')}`);
    const where = (prefix: string) => dirty.hits.filter((h) => h.where.startsWith(prefix)).map((h) => h.secret).sort();
    expect(where(`kafka ${topic}/`)).toEqual([hash, password, hiddenHash].sort());
    expect(where(`mongo ${fixture.config.mongo.database}.dead_letters`)).toEqual([hash, password, hiddenHash].sort());
    expect(dirty.hits).toHaveLength(6);
    expect(dirty.scanned.messages).toBe(clean.scanned.messages + 2);
  });

  it.each(['mask', 'hash'] as const)('PII policy %s: no raw email, phone or cell in Kafka or the store', async (pii) => {
    const { server } = await loggingApi();
    const seed = `security-pii-${pii}`;
    const fixture = pipelineFixture(`pii${pii}`, ['users.contact']);
    await runPipeline(fixture, server, seed, pii);

    // The raw values the API served for the produced pages (same seed and page => same users).
    const raw: string[] = [];
    for (let page = 1; page <= USERS / 50; page++) {
      const body = (await (await fetch(`${server.url}?results=50&seed=${seed}&page=${page}`)).json()) as { results: Array<{ email: string; phone: string; cell: string }> };
      for (const u of body.results) raw.push(u.email, u.phone, u.cell);
    }
    const result = await scan(fixture, raw);
    log(`pii ${pii}: ${raw.length} raw values, ${result.scanned.messages} messages, ${result.scanned.documents} documents, ${result.hits.length} hits`);
    expect(result.scanned.messages).toBe(USERS);
    expect(result.scanned.documents).toBe(USERS);
    expect(result.hits).toEqual([]);
    // The control: with `keep` the same scanner finds every one of them (so the check can fail).
    expect((await scanRawWithKeep(server, seed, raw)).length).toBeGreaterThan(0);
  });
});

/** Produces one page with policy keep to a topic of its own and returns the raw values the scan finds there. */
async function scanRawWithKeep(server: ApiServer, seed: string, raw: string[]): Promise<string[]> {
  const fixture = pipelineFixture('piikeep', ['users.contact']);
  cleanups.push(() => disposeFixture(fixture));
  const summary = await produce(server, fixture, { count: 50, seed, batchSize: 50, pii: 'keep' });
  expect(summary.produced[fixture.binding('users.contact').topic]).toBe(50);
  const result = await scanForSecrets({ kafkaBootstrap: testServices().kafkaBootstrap, topics: [fixture.binding('users.contact').topic], mongoUri: mongoUri(fixture.config), database: fixture.config.mongo.database, secrets: raw });
  expect(new Set(result.hits.map((h) => h.secret)).size).toBe(150);
  return result.hits.map((h) => h.secret);
}
