import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ENVELOPE_HEADERS } from '../../../src/model/index.js';
import type { RandomUserRecord } from '../../../src/source/index.js';
import type { OutgoingMessage } from '../../../src/produce/message.js';
import { readResumePoint, writeResumePoint, type ResumePoint } from '../../../src/produce/position.js';
import { runRecords, type RecordRunOptions } from '../../../src/produce/records.js';
import { builtinSelection } from '../../../harness/builtin-pipeline.js';
import { definePipeline, file, integer, randomUser, string } from '../../../src/pipeline/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { fetchUsers, startApiServer, type ApiServer } from '../../../src/source/index.js';
import { sourceRuntime } from '../../../src/source/source-runtime.js';
import { fakeProducer } from './fakes.js';

const TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'];

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A message with the instants it was made at left out (they differ between two runs by nature). */
function comparable(message: OutgoingMessage): unknown {
  const { produced_at: _produced, fetched_at: _fetched, ...value } = JSON.parse(message.value) as Record<string, unknown>;
  return { topic: message.topic, key: message.key, headers: message.headers, value };
}

describe('runRecords: the built-in Random User pipeline', () => {
  it('sends one envelope per topic per user of the API\'s pages, keyed by login.uuid, projected and protected (pii mask, a renamed topic)', async () => {
    const server = await startApiServer({ port: 0 });
    servers.push(server);
    const topicNames = { 'users.contact': 'my.contact' };
    const pipeline = builtinSelection(TOPICS, topicNames);
    const source = sourceRuntime(randomUser(), { baseDir: '.', defaultUrl: server.url, seed: 'records-parity', pageSize: 25 });
    const producer = fakeProducer();
    const summary = await runRecords(
      { pipeline, source, seed: 'records-parity', count: 60, batchSize: 25, pii: 'mask', dedupe: true, onWarning: () => undefined },
      { send: producer.send, flush: producer.flush },
    );
    expect(summary.stopReason).toBe('count');
    expect(summary.produced).toEqual({ 'users.profile': 60, 'users.location': 60, 'my.contact': 60, 'users.account': 60 });

    // The client's pages (25, 25, then the 10 still wanted), masked as the pipeline's pii rules say.
    const users: RandomUserRecord[] = [];
    for (const [page, results] of [[1, 25], [2, 25], [3, 10]] as const) users.push(...(await fetchUsers({ apiUrl: server.url, results, seed: 'records-parity', page, pii: 'mask' })).users);
    const expected = users.flatMap((user) =>
      pipeline.topics.map((topic) => ({
        topic: topic.kafkaTopic,
        key: user.login.uuid,
        headers: ENVELOPE_HEADERS,
        value: { schema_version: 1, source: source.label, id: user.login.uuid, data: topic.toRecords?.(user)[0] },
      })),
    );
    expect(producer.sent.map(comparable)).toEqual(expected);
    expect(producer.sent.find((m) => m.topic === 'my.contact')?.value).toMatch(/"email":".\*\*\*@/);
    expect(JSON.parse(producer.sent.find((m) => m.topic === 'my.contact')?.value ?? '{}')).toMatchObject({ data: { email: users[0]?.email, phone: users[0]?.phone, cell: users[0]?.cell } });
  });
});

const root = mkdtempSync(join(tmpdir(), 'streamline-records-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 23 records r1..r23 in an NDJSON file; an explode topic makes `n % 3` parts of each (0, 1 or 2). */
function fileSetup() {
  const dir = mkdtempSync(join(root, 'run-'));
  writeFileSync(join(dir, 'items.ndjson'), Array.from({ length: 23 }, (_, i) => JSON.stringify({ id: `r${i + 1}`, n: i + 1, secret: 'x' })).join('\n'));
  const definition = definePipeline({
    name: 'items',
    source: file({ path: 'items.ndjson', format: 'ndjson', record: { id: string(), n: integer() } }),
    key: 'id',
    topics: {
      items: { fields: { id: string(), n: integer() } },
      'items.parts': {
        fields: { id: string(), part: integer() },
        key: ['id', 'part'],
        explode: (record, make) => Array.from({ length: record.n % 3 }, (_, part) => make({ id: record.id, part })),
      },
    },
  });
  const pipeline = resolvePipeline(definition);
  const points: ResumePoint[] = [];
  const run = (extra: Partial<RecordRunOptions>, producer = fakeProducer()) => {
    const source = sourceRuntime(definition.source as Parameters<typeof sourceRuntime>[0], { baseDir: dir, pageSize: 5 });
    const done = runRecords({ pipeline, source, seed: 's', batchSize: 5, onPosition: (point) => points.push(point), onWarning: () => undefined, ...extra }, { send: producer.send, flush: producer.flush });
    return { done, producer };
  };
  return { dir, run, points };
}

const itemKeys = (sent: OutgoingMessage[]): string[] => sent.filter((m) => m.topic === 'items').map((m) => m.key);
const allIds = Array.from({ length: 23 }, (_, i) => `r${i + 1}`);

describe('runRecords: a finite source, its position and a resumed run', () => {
  it('ends with the source, the explode topic making 0..n records per source record', async () => {
    const { run, points } = fileSetup();
    const { done, producer } = run({});
    const summary = await done;
    expect(summary.stopReason).toBe('source-end');
    expect(itemKeys(producer.sent)).toEqual(allIds);
    const parts = producer.sent.filter((m) => m.topic === 'items.parts').map((m) => m.key);
    expect(parts).toEqual(allIds.flatMap((id, i) => Array.from({ length: (i + 1) % 3 }, (_, part) => `${id}/${part}`)));
    expect(summary.produced).toEqual({ items: 23, 'items.parts': parts.length });
    expect(JSON.stringify(producer.sent)).not.toContain('secret');
    // A point after each acknowledged page of five, then the end: nothing left to skip.
    expect(points.map((p) => p.from)).toContainEqual({ kind: 'file', file: 'items.ndjson', line: 5 });
    expect(points.at(-1)).toEqual({ from: { kind: 'file', file: 'items.ndjson', line: 23 }, skip: 0 });
  });

  it('stops at a count inside a page and a resumed run sends exactly the rest', async () => {
    const { run, points } = fileSetup();
    const first = run({ count: 12 });
    expect((await first.done).stopReason).toBe('count');
    const resume = points.at(-1) as ResumePoint;
    expect(resume).toEqual({ from: { kind: 'file', file: 'items.ndjson', line: 10 }, skip: 2 });
    const second = run({ resumeFrom: resume });
    expect((await second.done).stopReason).toBe('source-end');
    expect(itemKeys(first.producer.sent)).toEqual(allIds.slice(0, 12));
    expect(itemKeys(second.producer.sent)).toEqual(allIds.slice(12));
  });

  it('keeps the position before a record Kafka failed, so the next run sends it again', async () => {
    const { run, points } = fileSetup();
    const failing = fakeProducer({ fail: (m) => m.key === 'r7' });
    const first = run({}, failing);
    const summary = await first.done;
    expect(summary.failed.items).toBe(1);
    expect(points.at(-1)).toEqual({ from: { kind: 'file', file: 'items.ndjson', line: 5 }, skip: 1 });
    const second = run({ resumeFrom: points.at(-1) as ResumePoint });
    await second.done;
    expect(itemKeys(second.producer.sent)).toEqual(allIds.slice(6));
  });

  it('stores the point in a file and reads it back; a damaged file is an error naming it', () => {
    const { dir } = fileSetup();
    const path = join(dir, 'state', 'source-position.json');
    expect(readResumePoint(path)).toEqual({ skip: 0 });
    writeResumePoint(path, { from: { kind: 'file', file: 'items.ndjson', line: 10 }, skip: 2 });
    expect(readResumePoint(path)).toEqual({ from: { kind: 'file', file: 'items.ndjson', line: 10 }, skip: 2 });
    writeFileSync(path, '{"from": 3}');
    expect(() => readResumePoint(path)).toThrow(new RegExp(`source position file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not readable`));
  });
});
