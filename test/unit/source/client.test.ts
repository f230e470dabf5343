import { afterEach, describe, expect, it } from 'vitest';
import {
  FetchUsersError,
  buildUsersUrl,
  fetchUsers,
  readUsersFixture,
  startApiServer,
  type ApiServer,
  type FaultOptions,
  type FetchUsersOptions,
} from '../../../src/source/index.js';
import type { Sleep } from '../../../src/core/clock.js';

const FIXTURE = new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url);

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(faults?: FaultOptions): Promise<ApiServer> {
  const server = await startApiServer({ port: 0, ...(faults ? { faults } : {}) });
  servers.push(server);
  return server;
}

/** A sleep that records what it was asked to wait, and returns at once. */
function fakeSleep(): Sleep & { delays: number[] } {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return Object.assign(sleep, { delays });
}

const retry = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

function options(server: ApiServer, extra: Partial<FetchUsersOptions> = {}): FetchUsersOptions {
  return { apiUrl: server.url, results: 5, seed: 'client', timeoutMs: 2_000, retry, random: () => 0.5, sleep: fakeSleep(), ...extra };
}

describe('fetchUsers: success', () => {
  it('returns normalised users, info and one attempt', async () => {
    const server = await serve();
    const sleep = fakeSleep();
    const result = await fetchUsers(options(server, { sleep, nat: ['gb', 'ca'], now: () => Date.UTC(2025, 0, 2) }));
    expect(result.users).toHaveLength(5);
    expect(result.invalid).toEqual([]);
    expect(result.attempts).toBe(1);
    expect(result.info).toEqual({ seed: 'client', results: 5, page: 1, version: '1.4' });
    expect(result.fetchedAt).toBe('2025-01-02T00:00:00.000Z');
    expect(result.users.every((user) => typeof user.location.postcode === 'string' && ['GB', 'CA'].includes(user.nat))).toBe(true);
    expect(JSON.stringify(result.users)).not.toMatch(/"(password|salt|md5|sha1|sha256)"/);
    expect(sleep.delays).toEqual([]);
  });

  it('applies the PII policy', async () => {
    const server = await serve();
    const { users } = await fetchUsers(options(server, { pii: 'mask' }));
    expect(users.every((user) => /^.\*\*\*@example\.com$/u.test(user.email))).toBe(true);
  });

  it('builds the URL from the options, keeping the base query', () => {
    const url = new URL(buildUsersUrl({ apiUrl: 'http://h/api/?key=1', results: 10, seed: 's', page: 3, nat: ['gb', 'ua'], gender: 'male' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ key: '1', results: '10', seed: 's', page: '3', nat: 'GB,UA', gender: 'male' });
  });

  it('rejects bad options before any request, naming the option', async () => {
    await expect(fetchUsers({ apiUrl: 'not a url', results: 1 })).rejects.toThrow(/apiUrl must be an absolute URL/);
    await expect(fetchUsers({ apiUrl: 'http://h/api/', results: 5001 })).rejects.toThrow(/results must be an integer from 1 to 5000, got 5001/);
    await expect(fetchUsers({ apiUrl: 'http://h/api/', results: 1, retry: { ...retry, maxAttempts: 0 } })).rejects.toThrow(/retry.maxAttempts/);
  });
});

describe('fetchUsers: retries', () => {
  it('retries 5xx with full-jitter exponential backoff', async () => {
    const server = await serve({ plan: ['error', 'error', 'error'] });
    const sleep = fakeSleep();
    const failures: string[] = [];
    const result = await fetchUsers(options(server, { sleep, onAttemptFailed: (failure) => failures.push(failure.message) }));
    expect(result.attempts).toBe(4);
    // random() = 0.5 -> half of min(maxDelay, base * 2^(n-1)).
    expect(sleep.delays).toEqual([50, 100, 200]);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/^HTTP 50[03]: Uh oh/);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const server = await serve({ plan: ['error', 'error', 'error', 'error', 'error'] });
    const sleep = fakeSleep();
    await fetchUsers(options(server, { sleep, random: () => 0.999, retry: { maxAttempts: 6, baseDelayMs: 300, maxDelayMs: 1_000 } }));
    expect(sleep.delays).toEqual([299, 599, 999, 999, 999]);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const server = await serve({ plan: [{ kind: 'rateLimit', retryAfter: '7' }] });
    const sleep = fakeSleep();
    const result = await fetchUsers(options(server, { sleep }));
    expect(result.attempts).toBe(2);
    expect(sleep.delays).toEqual([7_000]);
  });

  it('honours Retry-After as an HTTP date, bounded by maxRetryAfterMs', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const server = await serve({
      plan: [
        { kind: 'rateLimit', retryAfter: new Date(now + 30_000).toUTCString() },
        { kind: 'rateLimit', retryAfter: '3600' },
      ],
    });
    const sleep = fakeSleep();
    await fetchUsers(options(server, { sleep, now: () => now, retry: { ...retry, maxRetryAfterMs: 60_000 } }));
    expect(sleep.delays).toEqual([30_000, 60_000]);
  });

  it('retries a timeout (server never answers)', async () => {
    const server = await serve({ plan: ['hang'] });
    const kinds: string[] = [];
    const result = await fetchUsers(options(server, { timeoutMs: 150, onAttemptFailed: (failure) => kinds.push(failure.kind) }));
    expect(kinds).toEqual(['timeout']);
    expect(result.attempts).toBe(2);
  });

  it.each([
    ['an {error} body with 200', { kind: 'error', status: 200, message: 'Uh oh' } as const, 'api-error', /the API answered with an error: Uh oh/],
    ['truncated JSON', 'truncated' as const, 'invalid-body', /body is not JSON/],
    ['an HTML page', 'notJson' as const, 'invalid-body', /it starts with "<html>/],
  ])('retries %s', async (_, fault, kind, message) => {
    const server = await serve({ plan: [fault] });
    const seen: { kind: string; message: string }[] = [];
    const result = await fetchUsers(options(server, { onAttemptFailed: (failure) => seen.push(failure) }));
    expect(seen).toEqual([expect.objectContaining({ kind, message: expect.stringMatching(message), retryable: true })]);
    expect(result.users).toHaveLength(5);
  });

  it('gives up after maxAttempts with an error naming the URL and the last cause', async () => {
    const server = await serve({ errorRate: 1, seed: 1 });
    const sleep = fakeSleep();
    const error = await fetchUsers(options(server, { sleep, retry: { ...retry, maxAttempts: 3 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchUsersError);
    const failure = error as FetchUsersError;
    expect(failure.attempts).toBe(3);
    expect(failure.message).toContain(`${server.url}?results=5&seed=client`);
    expect(failure.message).toMatch(/failed after 3 attempt\(s\); last error \(http\): HTTP 50[03]/);
    expect(failure.lastFailure.status).toBeGreaterThanOrEqual(500);
    expect(server.requestCount()).toBe(3);
    expect(sleep.delays).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    const server = await serve();
    const error = (await fetchUsers(options(server, { nat: 'XX' })).catch((e: unknown) => e)) as FetchUsersError;
    expect(error).toBeInstanceOf(FetchUsersError);
    expect(error.message).toMatch(/non-retryable error on attempt 1.*HTTP 400: nat: unsupported nationality XX/);
    expect(server.requestCount()).toBe(1);
  });

  it('retries network errors and reports the cause', async () => {
    const server = await serve();
    await server.close();
    const error = (await fetchUsers(options(server, { retry: { ...retry, maxAttempts: 2 } })).catch((e: unknown) => e)) as FetchUsersError;
    expect(error.failures.map((failure) => failure.kind)).toEqual(['network', 'network']);
    expect(error.lastFailure.message).toMatch(/ECONNREFUSED/);
  });

  it('stops at once when the caller aborts, without another attempt', async () => {
    const server = await serve({ plan: ['error'] });
    const controller = new AbortController();
    // The Clock contract: an aborted sleep resolves; the fetch notices the abort itself.
    const sleep: Sleep = async () => {
      controller.abort(new Error('shutting down'));
    };
    await expect(fetchUsers(options(server, { sleep, signal: controller.signal }))).rejects.toThrow('shutting down');
    expect(server.requestCount()).toBe(1);
  });
});

describe('fetchUsers: invalid records', () => {
  it('counts broken records with reasons and keeps the rest', async () => {
    const server = await serve({ plan: ['malformed'], seed: 5 });
    const result = await fetchUsers(options(server, { results: 30 }));
    expect(result.attempts).toBe(1);
    expect(result.invalid.length).toBeGreaterThan(0);
    expect(result.users.length + result.invalid.length).toBe(30);
    for (const entry of result.invalid) {
      expect(entry.index).toBeGreaterThanOrEqual(0);
      expect(entry.reason).toMatch(/^(login\.uuid|dob\.age|location|email|registered\.date)/);
    }
  });
});

describe('readUsersFixture', () => {
  it('normalises the saved real response', async () => {
    const { users, invalid, info } = await readUsersFixture(FIXTURE);
    expect(invalid).toEqual([]);
    expect(info?.version).toBe('1.4');
    expect(users[0]?.location).toMatchObject({ postcode: '68140', coordinates: { latitude: 77.9446, longitude: 154.7317 } });
    expect(users[0]?.national_id.value).toBeNull();
  });

  it('names the file when it is not a users response', async () => {
    await expect(readUsersFixture(new URL('../../../package.json', import.meta.url))).rejects.toThrow(/package\.json: not a Random User API response/);
  });
});
