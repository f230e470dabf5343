// httpJson's runtime against real node:http servers on port 0: the four paginators and their stop rules,
// resume, env headers, retries (on a virtual clock), timeouts, the body cap and itemsAt.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../harness/poll.js';
import type { Clock } from '../../../src/core/clock.js';
import { StreamlineError } from '../../../src/core/errors.js';
import { cursor, env, httpJson, linkHeader, offset, page, string, type Duration } from '../../../src/pipeline/index.js';
import { linkTarget } from '../../../src/source/http/paginate.js';
import type { Position, SourcePage, SourceRuntime } from '../../../src/source/runtime.js';
import { sourceRuntime } from '../../../src/source/source-runtime.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server on 127.0.0.1:0 answering with `handler`; every request is recorded. */
async function serve(handler: Handler): Promise<{ url: string; requests: Array<{ url: URL; headers: IncomingMessage['headers'] }> }> {
  const requests: Array<{ url: URL; headers: IncomingMessage['headers'] }> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ url, headers: req.headers });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`, requests };
}

const json = (res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** A virtual clock: sleeps are recorded and advance time at once. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += Math.max(0, ms))) };
}

const record = { id: string({ minLength: 1 }) };
const ids = (n: number, from = 0): Array<{ id: string }> => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}` }));

async function collect<R>(runtime: SourceRuntime<R>, from?: Position): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const p of runtime.pages(from)) pages.push(p);
  return pages;
}
const recordIds = (pages: SourcePage[]): string[] => pages.flatMap((p) => p.records.map((r) => (r as { id: string }).id));

async function failure(promise: Promise<unknown>): Promise<StreamlineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StreamlineError);
  return error as StreamlineError;
}

const ctx = { baseDir: process.cwd() };

describe('httpJson pagination', () => {
  it('page: asks page 1, 2, 3... with the size and stops at the first empty page', async () => {
    const api = await serve((_req, res, url) => {
      const n = Number(url.searchParams.get('p'));
      json(res, { items: n <= 3 ? ids(2, (n - 1) * 2) : [] });
    });
    const runtime = sourceRuntime(httpJson({ url: api.url, itemsAt: 'items', record, pagination: page('p', { sizeParam: 'size', size: 2 }) }), ctx);
    const pages = await collect(runtime);
    expect(recordIds(pages)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(pages.map((p) => p.position)).toEqual([
      { kind: 'page', page: 2 },
      { kind: 'page', page: 3 },
      { kind: 'page', page: 4 },
    ]);
    expect(api.requests.map((r) => r.url.search)).toEqual(['?p=1&size=2', '?p=2&size=2', '?p=3&size=2', '?p=4&size=2']);
    // Resumed from the position of page 2: page 1 and 2 are not asked again.
    api.requests.length = 0;
    expect(recordIds(await collect(runtime, { kind: 'page', page: 3 }))).toEqual(['r4', 'r5']);
    expect(api.requests.map((r) => r.url.searchParams.get('p'))).toEqual(['3', '4']);
  });

  it('offset: advances by the items received and stops at a short page without asking again', async () => {
    const all = ids(7);
    const api = await serve((_req, res, url) => {
      const from = Number(url.searchParams.get('offset'));
      json(res, all.slice(from, from + Number(url.searchParams.get('limit'))));
    });
    const runtime = sourceRuntime(httpJson({ url: api.url, record, pagination: offset('offset', 'limit', 3) }), ctx);
    const pages = await collect(runtime);
    expect(recordIds(pages)).toEqual(all.map((r) => r.id));
    expect(pages.map((p) => p.position)).toEqual([{ kind: 'offset', offset: 3 }, { kind: 'offset', offset: 6 }, { kind: 'end' }]);
    expect(api.requests.map((r) => r.url.searchParams.get('offset'))).toEqual(['0', '3', '6']);
    expect(recordIds(await collect(runtime, { kind: 'offset', offset: 6 }))).toEqual(['r6']);
    expect(await collect(runtime, { kind: 'end' })).toEqual([]);
  });

  it('offset: an exactly full last page ends at the following empty page', async () => {
    const api = await serve((_req, res, url) => json(res, Number(url.searchParams.get('offset')) < 4 ? ids(2) : []));
    const pages = await collect(sourceRuntime(httpJson({ url: api.url, record, pagination: offset('offset', 'limit', 2) }), ctx));
    expect(pages).toHaveLength(2);
    expect(api.requests).toHaveLength(3);
  });

  it.each([null, '', undefined])('cursor: follows next_cursor and stops when it is %j', async (last) => {
    const api = await serve((_req, res, url) => {
      const at = url.searchParams.get('cursor');
      if (at === null) return json(res, { data: ids(2), meta: { next: 'c2' } });
      if (at === 'c2') return json(res, { data: ids(2, 2), meta: { next: 'c3' } });
      return json(res, { data: ids(1, 4), meta: last === undefined ? {} : { next: last } });
    });
    const runtime = sourceRuntime(httpJson({ url: api.url, itemsAt: 'data', record, pagination: cursor('cursor', 'meta.next') }), ctx);
    const pages = await collect(runtime);
    expect(recordIds(pages)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(pages.map((p) => p.position)).toEqual([{ kind: 'cursor', cursor: 'c2' }, { kind: 'cursor', cursor: 'c3' }, { kind: 'end' }]);
    expect(api.requests.map((r) => r.url.searchParams.get('cursor'))).toEqual([null, 'c2', 'c3']);
    expect(recordIds(await collect(runtime, { kind: 'cursor', cursor: 'c3' }))).toEqual(['r4']);
  });

  it('cursor: a cursor that does not move is an error, not an endless loop', async () => {
    const api = await serve((_req, res) => json(res, { data: ids(1), next: 'same' }));
    const runtime = sourceRuntime(httpJson({ url: api.url, itemsAt: 'data', record, pagination: cursor('cursor', 'next') }), ctx);
    const error = await failure(collect(runtime));
    expect(error.message).toMatch(/did not move/);
    expect(api.requests).toHaveLength(2);
  });

  it('link header: follows rel="next" (relative links too) until there is none', async () => {
    const api = await serve((_req, res, url) => {
      const n = Number(url.searchParams.get('n') ?? '1');
      const links = [`<${url.pathname}?n=1>; rel="first"`];
      if (n < 3) links.push(`<?n=${n + 1}>; rel="next"`);
      json(res, ids(1, n), 200, { link: links.join(', ') });
    });
    const runtime = sourceRuntime(httpJson({ url: api.url, record, pagination: linkHeader() }), ctx);
    const pages = await collect(runtime);
    expect(recordIds(pages)).toEqual(['r1', 'r2', 'r3']);
    expect(pages.at(-1)?.position).toEqual({ kind: 'end' });
    expect(pages[0]?.position).toEqual({ kind: 'url', url: `${api.url}?n=2` });
    expect(recordIds(await collect(runtime, pages[1]?.position))).toEqual(['r3']);
  });

  it('parses RFC 8288 link headers: several links, rel lists, unquoted rel, absent', () => {
    const base = 'https://api.example.com/v1/items?page=2';
    expect(linkTarget('<https://api.example.com/v1/items?page=3>; rel="next", <https://api.example.com/v1/items?page=9>; rel="last"', 'next', base)).toBe('https://api.example.com/v1/items?page=3');
    expect(linkTarget('</v1/items?page=1>; rel=prev, </v1/items?page=3>; title="x"; rel="next last"', 'next', base)).toBe('https://api.example.com/v1/items?page=3');
    expect(linkTarget('</v1/items?page=1>; rel="prev"', 'next', base)).toBeUndefined();
    expect(linkTarget(null, 'next', base)).toBeUndefined();
  });

  it('refuses a position of another kind of source', async () => {
    const api = await serve((_req, res) => json(res, []));
    const error = await failure(collect(sourceRuntime(httpJson({ url: api.url, record, pagination: page() }), ctx), { kind: 'cursor', cursor: 'x' }));
    expect(error.message).toMatch(/'cursor' position cannot resume a source with page pagination/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('httpJson headers from the environment', () => {
  it('sends the value, and keeps it out of describe() and of errors', async () => {
    const secret = 'Bearer s3cr3t-token-value';
    const api = await serve((_req, res) => json(res, { error: 'no' }, 403));
    const runtime = sourceRuntime(httpJson({ url: api.url, record, headers: { Authorization: env('ORDERS_TOKEN'), 'X-Team': 'data' } }), { ...ctx, env: { ORDERS_TOKEN: secret } });
    const error = await failure(collect(runtime));
    expect(api.requests[0]?.headers.authorization).toBe(secret);
    expect(api.requests[0]?.headers['x-team']).toBe('data');
    expect(runtime.secrets).toEqual([secret]);
    for (const text of [error.message, error.hint ?? '', runtime.describe()]) expect(text).not.toContain('s3cr3t');
    expect(runtime.describe()).toContain('Authorization: env(ORDERS_TOKEN)');
  });

  it('a missing variable is an error naming it, at start', () => {
    const make = () => sourceRuntime(httpJson({ url: 'http://127.0.0.1:9/x', record, headers: { Authorization: env('ORDERS_TOKEN') } }), { ...ctx, env: {} });
    expect(make).toThrow(StreamlineError);
    expect(make).toThrow(/header Authorization reads the environment variable ORDERS_TOKEN, which is not set/);
  });

  it('uses the default of env() when the variable is unset, and the url may come from env', async () => {
    const api = await serve((_req, res) => json(res, ids(1)));
    const runtime = sourceRuntime(httpJson({ url: env('API_URL'), record, headers: { 'X-Key': env('KEY', 'fallback-key') } }), { ...ctx, env: { API_URL: api.url } });
    expect(recordIds(await collect(runtime))).toEqual(['r0']);
    expect(api.requests[0]?.headers['x-key']).toBe('fallback-key');
    expect(runtime.label).toBe(`http:${new URL(api.url).host}`);
  });
});

describe('httpJson failures', () => {
  it('retries 429 honouring Retry-After and 5xx with backoff, then succeeds', async () => {
    const statuses = [429, 503, 500];
    const api = await serve((_req, res) => {
      const status = statuses.shift();
      if (status === 429) return json(res, {}, 429, { 'retry-after': '7' });
      if (status !== undefined) return json(res, {}, status);
      json(res, ids(2));
    });
    const clock = virtualClock();
    const runtime = sourceRuntime(httpJson({ url: api.url, record, retries: { attempts: 5, initialBackoff: '100ms', maxBackoff: '1s' } }), { ...ctx, clock, random: () => 0.5 });
    expect(recordIds(await collect(runtime))).toEqual(['r0', 'r1']);
    expect(api.requests).toHaveLength(4);
    // Retry-After: 7 s; then full-jitter backoff at half the ceiling: 100 ms * 2^(n-1) * 0.5.
    expect(clock.slept).toEqual([7000, 100, 200]);
  });

  it('gives up after the attempts, naming the URL, the page and the last cause', async () => {
    const api = await serve((_req, res) => json(res, {}, 502));
    const runtime = sourceRuntime(httpJson({ url: `${api.url}?key=1`, record, pagination: page('page'), retries: { attempts: 3 } }), { ...ctx, clock: virtualClock() });
    const error = await failure(collect(runtime));
    expect(error.code).toBe('SOURCE_FAILED');
    expect(error.message).toContain(`GET ${api.url}?key=1&page=1 (page 1) failed after 3 attempt(s): HTTP 502`);
    expect(api.requests).toHaveLength(3);
  });

  it.each([400, 401, 404])('does not retry %i', async (status) => {
    const api = await serve((_req, res) => json(res, {}, status));
    const clock = virtualClock();
    const error = await failure(collect(sourceRuntime(httpJson({ url: api.url, record }), { ...ctx, clock })));
    expect(error.message).toMatch(new RegExp(`not worth retrying \\(attempt 1\\): HTTP ${status}`));
    expect(api.requests).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  it('retries a network error (nothing listens) and masks credentials in the URL', async () => {
    const api = await serve((_req, res) => json(res, []));
    await closers.splice(0)[0]?.();
    const clock = virtualClock();
    const url = api.url.replace('http://', 'http://ann:hunter22@');
    const error = await failure(collect(sourceRuntime(httpJson({ url, record, retries: { attempts: 2 } }), { ...ctx, clock })));
    expect(error.message).toMatch(/failed after 2 attempt\(s\)/);
    expect(error.message).not.toContain('hunter22');
    expect(clock.slept).toHaveLength(1);
  });

  it('times out a request that does not answer in time', async () => {
    const api = await serve(() => undefined);
    const started = performance.now();
    const error = await failure(collect(sourceRuntime(httpJson({ url: api.url, record, timeout: '200ms', retries: { attempts: 1 } }), ctx)));
    expect(error.message).toMatch(/no complete response within 200 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses a body past the cap, without retrying', async () => {
    const api = await serve((_req, res) => json(res, ids(2_000)));
    const error = await failure(collect(sourceRuntime(httpJson({ url: api.url, record }), { ...ctx, maxResponseBytes: 4096, clock: virtualClock() })));
    expect(error.message).toMatch(/passed the cap of 4096 bytes/);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    [{ data: { items: [] } }, 'data.items.list', /itemsAt 'data.items.list' is missing/],
    [{ data: { items: { a: 1 } } }, 'data.items', /itemsAt 'data.items' is an object, not an array/],
    [{ data: 'x' }, undefined, /the document is an object, not an array/],
  ])('names itemsAt when the body has no array there (%j)', async (body, at, message) => {
    const api = await serve((_req, res) => json(res, body));
    const error = await failure(collect(sourceRuntime(httpJson({ url: api.url, record, ...(at === undefined ? {} : { itemsAt: at }) }), ctx)));
    expect(error.message).toMatch(message);
    expect(error.message).toContain(api.url);
  });

  it('an abort ends a request in flight with the signal\'s reason, without retrying', async () => {
    const api = await serve(() => undefined);
    const controller = new AbortController();
    const runtime = sourceRuntime(httpJson({ url: api.url, record, timeout: '1m' }), { ...ctx, clock: virtualClock() });
    const reading = (async () => {
      for await (const _ of runtime.pages(undefined, controller.signal)) return 'a page';
      return 'the end';
    })();
    await eventually(() => api.requests.length === 1, { timeoutMs: 5_000, intervalMs: 20, what: 'the request' });
    controller.abort(new Error('stop now'));
    await expect(reading).rejects.toThrow('stop now');
    expect(api.requests).toHaveLength(1);
  });

  it('paces requests at `rate` per second', async () => {
    const api = await serve((_req, res, url) => json(res, Number(url.searchParams.get('page')) <= 3 ? ids(1) : []));
    const clock = virtualClock();
    await collect(sourceRuntime(httpJson({ url: api.url, record, pagination: page(), rate: 4 }), { ...ctx, clock }));
    expect(api.requests).toHaveLength(4);
    expect(clock.slept).toEqual([250, 250, 250]);
  });
});

describe('httpJson declaration errors', () => {
  it.each([
    [{ timeout: '10 seconds' as Duration }, /httpJson timeout must be a duration like 500ms, 10s or 5m, got "10 seconds"/],
    [{ rate: 0 }, /httpJson rate must be > 0 requests per second, got 0/],
    [{ retries: { attempts: 0 } }, /httpJson retries.attempts must be an integer >= 1, got 0/],
    [{ url: 'orders.example.com/v1' }, /httpJson url must be an absolute URL, got "orders.example.com\/v1"/],
  ])('refuses %j at start, naming the option', (options, message) => {
    const make = () => sourceRuntime(httpJson({ url: 'http://127.0.0.1:9/x', record, ...options }), ctx);
    expect(make).toThrow(StreamlineError);
    expect(make).toThrow(message);
  });
});

describe('httpJson normalize', () => {
  it('drops undeclared keys of a descriptor record and rejects an invalid one with a reason, never throwing', () => {
    const runtime = sourceRuntime(httpJson({ url: 'http://127.0.0.1:9/x', record }), ctx);
    expect(runtime.normalize({ id: 'a', password: 'p' })).toEqual({ ok: true, record: { id: 'a' } });
    expect(runtime.normalize({ id: '' })).toEqual({ ok: false, reason: expect.stringMatching(/^id: /) });
    expect(runtime.normalize(42)).toMatchObject({ ok: false });
    expect(runtime.normalize(null)).toMatchObject({ ok: false });
  });
});
