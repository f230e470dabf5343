import { describe, expect, it } from 'vitest';
import { rawUserSchema } from '../../../src/source/index.js';
import {
  FaultInjector,
  breakRecords,
  faultsFromEnv,
  seededRandom,
  startApiServer,
  truncateJson,
  type FaultOptions,
} from '../../../src/source/index.js';

type Observed = 'error' | 'rateLimit' | 'truncated' | 'malformed' | 'none';

/** What a client sees, classified from the outside: status, parseability, record validity. */
async function observe(url: string): Promise<Observed> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status >= 500) return 'error';
  if (response.status === 429) return 'rateLimit';
  let body: { results: unknown[] };
  try {
    body = JSON.parse(text) as { results: unknown[] };
  } catch {
    return 'truncated';
  }
  return body.results.every((record) => rawUserSchema.safeParse(record).success) ? 'none' : 'malformed';
}

async function observeMany(faults: FaultOptions, requests: number): Promise<Observed[]> {
  const server = await startApiServer({ faults });
  try {
    const seen: Observed[] = [];
    // Sequential on purpose: the fault sequence is deterministic in request order.
    for (let i = 0; i < requests; i += 1) seen.push(await observe(`${server.url}?results=3&seed=s${i}`));
    return seen;
  } finally {
    await server.close();
  }
}

const count = (seen: Observed[], kind: Observed) => seen.filter((entry) => entry === kind).length;

describe('fault injection over HTTP', () => {
  const faults: FaultOptions = { errorRate: 0.2, rateLimitRate: 0.1, truncatedRate: 0.15, malformedRate: 0.15, seed: 42 };

  it('honours the rates roughly over many requests', async () => {
    const seen = await observeMany(faults, 400);
    expect(count(seen, 'error') / 400).toBeCloseTo(0.2, 1);
    expect(count(seen, 'rateLimit') / 400).toBeCloseTo(0.1, 1);
    expect(count(seen, 'truncated') / 400).toBeCloseTo(0.15, 1);
    expect(count(seen, 'malformed') / 400).toBeCloseTo(0.15, 1);
    expect(count(seen, 'none') / 400).toBeCloseTo(0.4, 1);
  });

  it('is deterministic given a seed, and the seed matters', async () => {
    const a = await observeMany(faults, 60);
    const b = await observeMany(faults, 60);
    const c = await observeMany({ ...faults, seed: 43 }, 60);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('plays a plan first, then the rates', async () => {
    const seen = await observeMany({ plan: ['truncated', 'error', 'none', 'malformed', 'rateLimit'], seed: 1 }, 7);
    expect(seen).toEqual(['truncated', 'error', 'none', 'malformed', 'rateLimit', 'none', 'none']);
  });

  it('adds latency within the range', async () => {
    const server = await startApiServer({ faults: { latencyMs: [40, 60], seed: 3 } });
    try {
      const started = performance.now();
      await fetch(`${server.url}?results=1`);
      expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    } finally {
      await server.close();
    }
  });

  it('close() ends hung requests instead of waiting for them', async () => {
    const server = await startApiServer({ faults: { plan: ['hang'] } });
    const pending = fetch(`${server.url}?results=1`);
    await expect.poll(() => server.requestCount()).toBe(1);
    await server.close();
    await expect(pending).rejects.toThrow();
  });

  it('serves a non-JSON page and an {error} with 200 when planned', async () => {
    const server = await startApiServer({ faults: { plan: ['notJson', { kind: 'error', status: 200, message: 'Uh oh' }] } });
    try {
      const html = await fetch(server.url);
      expect(html.headers.get('content-type')).toMatch(/text\/html/);
      const error = await fetch(server.url);
      expect([error.status, await error.json()]).toEqual([200, { error: 'Uh oh' }]);
    } finally {
      await server.close();
    }
  });
});

describe('fault building blocks', () => {
  it('draws hangs (never answered) at hangRate, sharing the bands with the other faults', () => {
    const injector = new FaultInjector({ seed: 'hang', errorRate: 0.3, hangRate: 0.1 });
    const kinds = Array.from({ length: 2_000 }, () => injector.next().kind);
    const share = (kind: string) => kinds.filter((k) => k === kind).length / kinds.length;
    expect(share('hang')).toBeGreaterThan(0.07);
    expect(share('hang')).toBeLessThan(0.13);
    expect(share('error')).toBeGreaterThan(0.25);
    expect(() => new FaultInjector({ errorRate: 0.95, hangRate: 0.1 })).toThrow(/hangRate must be <= 1/);
  });

  it('a rate-limit decision carries Retry-After', () => {
    const injector = new FaultInjector({ rateLimitRate: 1, retryAfterSeconds: 3, seed: 1 });
    expect(injector.next()).toMatchObject({ kind: 'rateLimit', retryAfter: '3' });
  });

  it('rejects rates that cannot be honoured, naming them', () => {
    expect(() => new FaultInjector({ errorRate: 0.7, malformedRate: 0.7 })).toThrow(/must be <= 1/);
    expect(() => new FaultInjector({ errorRate: 1.5 })).toThrow(/errorRate/);
    expect(() => new FaultInjector({ latencyMs: [10, 5] })).toThrow(/latencyMs/);
  });

  it('truncated JSON never parses', () => {
    const text = JSON.stringify({ results: [{ a: 1 }], info: { seed: 'x' } });
    for (let seed = 0; seed < 200; seed += 1) {
      expect(() => JSON.parse(truncateJson(text, seededRandom(seed)))).toThrow();
    }
  });

  it('breaks at least one record, and only the reported ones', () => {
    const records = Array.from({ length: 12 }, (_, index) => ({ index, login: { uuid: 'u' }, dob: { age: 1 }, location: { coordinates: {} }, registered: {} }));
    const pristine = structuredClone(records);
    const broken = breakRecords(records, seededRandom(7));
    expect(broken.length).toBeGreaterThan(0);
    records.forEach((record, index) => {
      if (broken.includes(index)) expect(record).not.toEqual(pristine[index]);
      else expect(record).toEqual(pristine[index]);
    });
  });

  it('reads faults from the environment, or none when unset', () => {
    expect(faultsFromEnv({})).toBeUndefined();
    expect(faultsFromEnv({ STREAMLINE_API_ERROR_RATE: '0.1', STREAMLINE_API_LATENCY_MS: '50,200', STREAMLINE_API_FAULT_SEED: 'x' })).toEqual({
      errorRate: 0.1,
      latencyMs: [50, 200],
      seed: 'x',
    });
    expect(() => faultsFromEnv({ STREAMLINE_API_MALFORMED_RATE: 'lots' })).toThrow(/STREAMLINE_API_MALFORMED_RATE="lots": expected a number/);
    expect(() => faultsFromEnv({ STREAMLINE_API_TRUNCATED_RATE: '2' })).toThrow(/truncatedRate/);
  });
});
