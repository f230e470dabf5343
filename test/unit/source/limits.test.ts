// Issue 22: the API client reads bodies as streams under a byte cap and drops surplus results; the local
// API server limits concurrent requests, sends no wildcard CORS and caps its secrets log.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../harness/poll.js';
import { buildApiResponse, FetchUsersError, fetchUsers, parseApiQuery, readBodyCapped, startApiServer, type ApiServer } from '../../../src/source/index.js';

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const noSleep = async () => undefined;

/** A Response whose body is produced chunk by chunk, counting how much of it was pulled. */
function streamedResponse(chunks: number, chunkBytes: number, headers: Record<string, string> = {}): { response: Response; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { response: new Response(body, { status: 200, headers }), pulled: () => pulled };
}

describe('API client limits', () => {
  it('stops reading a body at the cap: only about cap bytes are pulled, however long it goes on', async () => {
    const endless = streamedResponse(Number.MAX_SAFE_INTEGER, 64 * 1024);
    const result = await readBodyCapped(endless.response, 1024 * 1024);
    expect(result).toEqual({ tooLarge: 1024 * 1024 + 64 * 1024 });
    expect(endless.pulled()).toBeLessThanOrEqual(18);
  });

  it('refuses a declared Content-Length above the cap without reading the body', async () => {
    const declared = streamedResponse(1_000, 1024, { 'content-length': String(50 * 1024 * 1024) });
    expect(await readBodyCapped(declared.response, 1024 * 1024)).toEqual({ tooLarge: 50 * 1024 * 1024 });
    expect(declared.pulled()).toBeLessThanOrEqual(1);
  });

  it('fails the fetch naming the URL and the cap, without retrying the same flood', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls += 1;
      return streamedResponse(1_000, 64 * 1024).response;
    }) as typeof fetch;
    const error = await fetchUsers({ apiUrl: 'http://api.example/api/', results: 5, maxResponseBytes: 100_000, fetch: fetchImpl, sleep: noSleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchUsersError);
    expect((error as Error).message).toMatch(/http:\/\/api\.example\/api\/\?results=5 failed with a non-retryable error on attempt 1; last error \(too-large\): the response body passed the cap of 100000 bytes \(api\.maxResponseBytes\)/);
    expect(calls).toBe(1);
  });

  it('keeps the results asked for and counts the surplus', async () => {
    const fetchImpl = (async (url: string) => {
      const parsed = parseApiQuery(new URL(url).searchParams);
      if (!parsed.ok) throw new Error(parsed.error);
      return new Response(JSON.stringify(buildApiResponse({ ...parsed.query, results: parsed.query.results * 10 }, new Date('2026-01-01'))));
    }) as unknown as typeof fetch;
    const result = await fetchUsers({ apiUrl: 'http://api.example/api/', results: 7, seed: 's', fetch: fetchImpl, sleep: noSleep });
    expect(result.users).toHaveLength(7);
    expect(result.surplus).toBe(63);
  });
});

describe('local API server limits', () => {
  it('answers 503 with Retry-After past maxConcurrentRequests at once, and sends no Access-Control-Allow-Origin', async () => {
    // Every admitted request hangs, so the two slots stay taken for as long as the test holds them.
    const server = await startApiServer({ port: 0, maxConcurrentRequests: 2, faults: { hangRate: 1 } });
    servers.push(server);
    const held = new AbortController();
    const hanging = [1, 2].map(() => fetch(`${server.url}?results=1`, { signal: held.signal }).catch(() => undefined));
    await eventually(() => server.requestCount() === 2, { what: 'two requests admitted', timeoutMs: 20_000, intervalMs: 20 });
    const busy = await fetch(`${server.url}?results=1`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.headers.get('access-control-allow-origin')).toBeNull();
    expect(await busy.json()).toEqual({ error: 'busy: 2 requests in progress (api.maxConcurrentRequests); retry shortly' });
    expect(server.requestCount(), 'the refused request was never admitted').toBe(2);
    // The clients give up: their slots come back, and the next request is admitted (and hangs in turn).
    held.abort();
    await Promise.all(hanging);
    const next = new AbortController();
    const admitted = fetch(`${server.url}?results=1`, { signal: next.signal }).catch(() => undefined);
    await eventually(() => server.requestCount() === 3, { what: 'a third request admitted once the slots are free', timeoutMs: 20_000, intervalMs: 20 });
    next.abort();
    await admitted;
  });

  it('a normal answer carries no Access-Control-Allow-Origin', async () => {
    const server = await startApiServer({ port: 0 });
    servers.push(server);
    const answer = await fetch(`${server.url}?results=1`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stops the secrets log at its cap and says so once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'streamline-secrets-')), 'secrets.jsonl');
    const warnings: string[] = [];
    const server = await startApiServer({ port: 0, secretsLog: file, secretsLogMaxBytes: 4_000, onWarning: (m) => warnings.push(m) });
    servers.push(server);
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${server.url}?results=5&seed=s${i}`)).status).toBe(200);
    expect(statSync(file).size).toBeLessThanOrEqual(4_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/reached its cap of 4000 bytes \(api\.secretsLogMaxBytes\)/);
  });
});
