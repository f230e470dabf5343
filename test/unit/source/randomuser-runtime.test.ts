import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import randomUserPipeline from '../../../pipelines/randomuser.js';
import type { PiiPolicy } from '../../../src/model/index.js';
import { normalizeRecords, type RandomUserRecord } from '../../../src/source/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { randomUser } from '../../../src/pipeline/sources.js';
import { breakRecords, deriveSeed, fetchUsers, generateUsers, seededRandom, startApiServer, type ApiServer } from '../../../src/source/index.js';
import { randomUserRuntime } from '../../../src/source/randomuser/runtime.js';
import type { SourcePage } from '../../../src/source/runtime.js';
import { sourceRuntime } from '../../../src/source/source-runtime.js';

const pipeline = resolvePipeline(randomUserPipeline);
const NOW = new Date(Date.UTC(2026, 0, 15));
const SALT = 'parity-salt';

/** Generated users (secrets included, as the API sends them) with about a third broken, plus the real API's sample. */
async function rawRecords(seed: string): Promise<unknown[]> {
  const generated = generateUsers({ seed, page: 1, results: 40, now: NOW }) as unknown as Record<string, unknown>[];
  const broken = structuredClone(generated.slice(0, 20));
  breakRecords(broken, seededRandom(deriveSeed(seed, 'break')));
  const sample = JSON.parse(await readFile(new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url), 'utf8')) as { results: unknown[] };
  return [...generated, ...broken, ...sample.results];
}

interface Outcome {
  records: { topic: string; key: string; data: unknown }[];
  rejected: { index: number; reason: string }[];
}

/** Today's path: the client's normalisation with the PII policy built in, then the model's projections. */
function todaysPath(raw: unknown[], pii: PiiPolicy): Outcome {
  const { users, invalid } = normalizeRecords(raw, { pii, piiSalt: SALT });
  const records = users.flatMap((user: RandomUserRecord) => pipeline.topics.map(({ topic }) => ({ topic, key: user.login.uuid, data: pipeline.topics.find((t) => t.topic === topic)?.toRecords?.(user)[0] })));
  return { records, rejected: invalid.map(({ index, reason }) => ({ index, reason })) };
}

/** The pipeline's path: the runtime's normalize, the pipeline's pii rules (protect), each topic's toRecords and key. */
function pipelinePath(raw: unknown[], pii: PiiPolicy): Outcome {
  const runtime = randomUserRuntime(randomUser(), { baseDir: '.', defaultUrl: 'http://127.0.0.1:1/api/' });
  const outcome: Outcome = { records: [], rejected: [] };
  raw.forEach((value, index) => {
    const normalized = runtime.normalize(value);
    if (!normalized.ok) {
      outcome.rejected.push({ index, reason: normalized.reason });
      return;
    }
    const record = pipeline.protect(normalized.record, { pii, piiSalt: SALT });
    for (const topic of pipeline.topics) {
      for (const data of topic.toRecords?.(record) ?? []) outcome.records.push({ topic: topic.topic, key: topic.recordKey(record, data), data });
    }
  });
  return outcome;
}

describe('randomUser runtime: parity with the client path', () => {
  for (const seed of ['parity-a', 'parity-b', 'parity-c']) {
    for (const pii of ['keep', 'mask', 'hash'] as const) {
      it(`yields the same records, keys and rejections (seed ${seed}, pii ${pii})`, async () => {
        const raw = await rawRecords(seed);
        const expected = todaysPath(raw, pii);
        const actual = pipelinePath(raw, pii);
        expect(actual).toEqual(expected);
        // The comparison is not vacuous: records went through, broken ones were rejected.
        expect(expected.records.length).toBeGreaterThanOrEqual(40 * pipeline.topics.length);
        expect(expected.rejected.length).toBeGreaterThan(0);
      });
    }
  }

  it('applies the policy through the pipeline rules (a masked email is not the kept one)', async () => {
    const raw = await rawRecords('parity-a');
    const contact = (outcome: Outcome) => outcome.records.find((r) => r.topic === 'users.contact')?.data as { email: string; phone: string };
    const kept = contact(pipelinePath(raw, 'keep'));
    const masked = contact(pipelinePath(raw, 'mask'));
    const hashed = contact(pipelinePath(raw, 'hash'));
    expect(masked.email).toMatch(/^.\*\*\*@/);
    expect(masked.email).not.toBe(kept.email);
    expect(hashed.phone).toMatch(/^[0-9a-f]{64}$/);
  });
});

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(): Promise<ApiServer> {
  const server = await startApiServer({ port: 0 });
  servers.push(server);
  return server;
}

async function take(pages: AsyncIterable<SourcePage>, n: number): Promise<SourcePage[]> {
  const taken: SourcePage[] = [];
  for await (const page of pages) {
    taken.push(page);
    if (taken.length === n) break;
  }
  return taken;
}

describe('randomUser runtime: pages from the API', () => {
  it('pages by seed and page, as fetchUsers does, and resumes at a stored page', async () => {
    const server = await serve();
    const runtime = sourceRuntime(randomUser(), { baseDir: '.', defaultUrl: server.url, seed: 'pages', pageSize: 7 });
    expect(runtime.label).toBe(`randomuser:${new URL(server.url).host}`);
    expect(runtime.describe()).toContain('seed pages, 7 per request');
    const pages = await take(runtime.pages(undefined), 3);
    expect(pages.map((p) => p.position)).toEqual([2, 3, 4].map((page) => ({ kind: 'page', page })));
    for (const [i, page] of pages.entries()) {
      const { users } = await fetchUsers({ apiUrl: server.url, results: 7, seed: 'pages', page: i + 1 });
      expect(page.records.map((raw) => runtime.normalize(raw))).toEqual(users.map((record) => ({ ok: true, record })));
    }
    const [resumed] = await take(runtime.pages({ kind: 'page', page: 3 }), 1);
    expect(resumed?.records).toEqual(pages[2]?.records);
  });

  it('asks for no more than the reader still wants, and drops the secrets', async () => {
    const server = await serve();
    const runtime = randomUserRuntime(randomUser({ batchSize: 50 }), { baseDir: '.', defaultUrl: server.url, seed: 'demand' });
    const [page] = await take(runtime.pages(undefined, undefined, () => 3), 1);
    expect(page?.records).toHaveLength(3);
    expect(JSON.stringify(page?.records)).toContain('"password"');
    const normalized = page?.records.map((raw) => runtime.normalize(raw)) ?? [];
    expect(normalized.every((n) => n.ok)).toBe(true);
    expect(JSON.stringify(normalized)).not.toMatch(/password|salt|sha256/);
  });

  it('refuses a position of another kind of source, and a batch size the API cannot serve', async () => {
    const runtime = randomUserRuntime(randomUser(), { baseDir: '.', defaultUrl: 'http://127.0.0.1:1/api/' });
    await expect(take(runtime.pages({ kind: 'cursor', cursor: 'x' }), 1)).rejects.toThrow(/cannot resume from a cursor position/);
    expect(() => randomUserRuntime(randomUser({ batchSize: 5001 }), { baseDir: '.', defaultUrl: 'http://127.0.0.1:1/api/' })).toThrow(/batch size must be an integer from 1 to 5000, got 5001/);
    expect(() => randomUserRuntime(randomUser(), { baseDir: '.' })).toThrow(/names no url/);
  });
});
