// Issue 22: the dashboard's Host/Origin allow-list, security headers, token login with a session cookie,
// throttled failures, minimum token length, and the PII display filter. The server runs in-process against
// ports where nothing listens (its collectors only report errors); no pipeline data is needed for these rules.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type StreamlineConfig } from '../../../src/config/index.js';
import { allowedHostNames, checkBinding, cookieValue, FailureThrottle, hostRefusal, MIN_TOKEN_LENGTH, SECURITY_HEADERS } from '../../../src/dashboard/auth.js';
import { maskDocument, maskRawPreview, redactedJson, snapshotForDisplay } from '../../../src/dashboard/display.js';
import { startDashboard, type Dashboard } from '../../../src/dashboard/index.js';
import type { DashboardSnapshot } from '../../../src/dashboard/views.js';

const TOKEN = 'unit-test-token-0123456789abcdef';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch does not let a caller choose the Host header. */
function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function isolatedConfig(): StreamlineConfig {
  const config = defaultConfig();
  // Nothing listens on these: the collectors fail quietly, the server's own rules are what is tested.
  const base = 41_000 + Number(process.env.STREAMLINE_TEST_PORT_OFFSET ?? 0) % 20_000;
  return {
    ...config,
    stateDir: '/nonexistent/streamline-dashboard-unit',
    kafka: { ...config.kafka, port: base + 1 },
    spark: { ...config.spark, port: base + 2 },
    mongo: { ...config.mongo, port: base + 3 },
    dashboard: { ...config.dashboard, port: 0, refreshMs: 60_000 },
  };
}

const expectSecurityHeaders = (answer: Answer, what: string) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name], `${what}: ${name}`).toBe(value);
};

describe('dashboard without a token (loopback)', () => {
  let dashboard: Dashboard;
  beforeAll(async () => {
    dashboard = await startDashboard(isolatedConfig());
  });
  afterAll(async () => dashboard?.close());

  it('answers its own names and refuses any other Host or Origin with 403 and no data', async () => {
    const port = new URL(dashboard.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await get(dashboard.url, '/api/snapshot', { host })).status, host).toBe(200);
    }
    for (const headers of <Record<string, string>[]>[{ host: `evil.example:${port}` }, { host: 'evil.example' }, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' }, { host: `127.0.0.1:${port}`, origin: 'null' }]) {
      const answer = await get(dashboard.url, '/api/snapshot', headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).not.toContain('"services"');
      expectSecurityHeaders(answer, `403 for ${JSON.stringify(headers)}`);
    }
    expect((await get(dashboard.url, '/', { host: `127.0.0.1:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('sends the security headers on every response, 404s included', async () => {
    for (const path of ['/', '/app.js', '/app.css', '/vendor/uPlot.iife.min.js', '/api/snapshot', '/api/history', '/metrics', '/no-such-page']) {
      expectSecurityHeaders(await get(dashboard.url, path), path);
    }
  });
});

describe('dashboard with a token', () => {
  let dashboard: Dashboard;
  let now = 0;
  beforeAll(async () => {
    dashboard = await startDashboard(isolatedConfig(), { token: TOKEN, throttle: { maxFailures: 3, windowMs: 60_000, maxClients: 100, now: () => now } });
  });
  afterAll(async () => dashboard?.close());

  it('logs in through /login?token= with an HttpOnly SameSite=Strict cookie that opens the page and every asset', async () => {
    expect((await get(dashboard.url, '/')).status).toBe(401);
    const login = await get(dashboard.url, `/login?token=${TOKEN}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = `streamline_dashboard=${cookieValue(setCookie.split(';')[0], 'streamline_dashboard')}`;
    for (const path of ['/', '/app.js', '/app.css', '/vendor/uPlot.iife.min.js', '/vendor/uPlot.min.css', '/api/snapshot', '/api/history', '/metrics']) {
      const answer = await get(dashboard.url, path, { cookie });
      expect(answer.status, path).toBe(200);
      expectSecurityHeaders(answer, path);
    }
  });

  it('accepts Bearer (Prometheus) but ?token= only on /login', async () => {
    expect((await get(dashboard.url, '/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(dashboard.url, `/metrics?token=${TOKEN}`)).status).toBe(401);
    expect((await get(dashboard.url, `/?token=${TOKEN}`)).status).toBe(401);
    expect((await get(dashboard.url, '/api/snapshot', { cookie: `streamline_dashboard=${TOKEN}` })).status).toBe(401);
  });

  it('throttles failed attempts per client: 429 with Retry-After, even for the right token, until the window ends', async () => {
    now = 1_000_000;
    for (let i = 0; i < 3; i += 1) expect((await get(dashboard.url, '/login?token=wrong-token-guess-000000')).status).toBe(401);
    const blocked = await get(dashboard.url, `/login?token=${TOKEN}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(dashboard.url, '/metrics', { authorization: `Bearer ${TOKEN}` })).status, 'a valid bearer still works').toBe(200);
    expect((await get(dashboard.url, '/metrics', { authorization: 'Bearer wrong' })).status).toBe(429);
    now += 60_001;
    expect((await get(dashboard.url, `/login?token=${TOKEN}`)).status).toBe(303);
  });
});

describe('dashboard rules', () => {
  it('refuses a token shorter than the minimum, naming the length', () => {
    expect(() => checkBinding({ host: '127.0.0.1', port: 1, explicitHost: false, token: 'short-token' })).toThrow(new RegExp(`at least ${MIN_TOKEN_LENGTH}`));
  });

  it('allow-list: the bound address unless it is a wildcard, loopback names and extra names', () => {
    const allowed = allowedHostNames('0.0.0.0', ['Dash.Example.org']);
    expect([...allowed].sort()).toEqual(['127.0.0.1', '::1', 'dash.example.org', 'localhost']);
    expect(hostRefusal({ host: 'dash.example.org:3000' }, allowed)).toBeUndefined();
    expect(hostRefusal({ host: '0.0.0.0:3000' }, allowed)).toMatch(/dashboard\.allowedHosts/);
    expect(hostRefusal({}, allowed)).toBe('no Host header');
  });

  it('throttle map stays bounded under many client addresses', () => {
    const throttle = new FailureThrottle({ maxFailures: 1, windowMs: 1_000, maxClients: 10, now: () => 0 });
    for (let i = 0; i < 1_000; i += 1) throttle.fail(`10.0.${i >> 8}.${i & 255}`);
    expect((throttle as unknown as { failures: Map<string, unknown> }).failures.size).toBeLessThanOrEqual(10);
  });

  it('redacts the JSON value by value, so it stays valid JSON next to addresses and emails', () => {
    const value = { address: 'mongodb://app:pw-123456@127.0.0.1:1/', remote: 'sc://h:1/;token=tok-abcdef', doc: { email: 'someone@example.com' }, note: 'secret-value-42 here' };
    const text = redactedJson(value, ['secret-value-42']);
    expect(JSON.parse(text)).toEqual({ address: 'mongodb://app:***@127.0.0.1:1/', remote: 'sc://h:1/;token=***', doc: { email: 'someone@example.com' }, note: '*** here' });
  });

  it('masks personal data for display unless the operator opts in', () => {
    const doc = { _id: 'b1c2', name: { first: 'Antonida', last: 'Kaminska' }, email: 'antonida.kaminska@example.com', coordinates: { latitude: 51.5 }, kafka: { topic: 'users.profile', offset: 7 } };
    const masked = maskDocument(doc);
    expect(masked._id).toBe('b1c2');
    expect(masked.kafka).toEqual(doc.kafka);
    expect(JSON.stringify(masked)).not.toMatch(/Antonida|Kaminska|kaminska|51\.5/);
    expect(masked.email).toBe('a***@example.com');
    expect(maskRawPreview('{"email":"someone.private@example.com","phone":"555-123-4567"}')).toBe('{"email":"s***@example.com","phone":"5**-***-**67"}');
    const snapshot = { at: '', refreshMs: 1, services: {}, topics: {}, queries: {}, collections: {}, latest: { value: { documents: [{ collection: 'users_profile', document: doc }], deadLetters: [{ id: 't/0/1', preview: 'x'.repeat(500) }], deadLettersByTopic: {} } } } as unknown as DashboardSnapshot;
    expect(JSON.stringify(snapshotForDisplay(snapshot, false))).not.toContain('Antonida');
    const shown = snapshotForDisplay(snapshot, true);
    expect(JSON.stringify(shown)).toContain('Antonida');
    expect(shown.latest.value?.deadLetters[0]?.preview).toHaveLength(160);
  });
});
