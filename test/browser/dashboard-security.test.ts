// Acceptance of issue 22 in the browser tier: with a token the page renders completely in headless Chromium
// (after /login, every request the page makes succeeds: no 401 in the network log), a request with a foreign
// Host gets 403 and no data, and every response carries the security headers. It runs on the browser tier's
// services (test/browser/global-setup.ts), so the page shows a real pipeline's services and collections.
import { request } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mongoUri, type StreamlineConfig } from '../../src/config/index.js';
import { SECURITY_HEADERS } from '../../src/dashboard/auth.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { eventually } from '../../harness/poll.js';
import { uniqueName } from '../support/services.js';
import { browserRuntimeConfig } from './runtime.js';
import { builtinBindings } from '../../harness/builtin-pipeline.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const screenshotDir = join(repoRoot, 'test-results');
const log = (message: string) => process.stdout.write(`[browser-security] ${message}\n`);
const TOKEN = `browser-token-${Date.now().toString(36)}-4f9c1e`;

const base = browserRuntimeConfig();
// A port and a database of its own (the other dashboard test uses dashboard.port and drops its database).
const config: StreamlineConfig = { ...base, mongo: { ...base.mongo, database: uniqueName('dashsec') }, dashboard: { ...base.dashboard, port: 0 } };
const bindings = builtinBindings(config.topics);
/** Personal data in a stored document: the page shows it masked (dashboard.showPii is off). */
const EMAIL = 'private.person@example.com';

function rawGet(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('dashboard security in the browser (issue 22)', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let mongo: MongoClient;

  beforeAll(async () => {
    // One stored document per collection, so every panel has something to show.
    mongo = new MongoClient(mongoUri(config));
    await mongo.connect();
    const db = mongo.db(config.mongo.database);
    for (const [i, b] of bindings.entries()) {
      await db.collection<{ _id: string; email: string; phone: string; ingested_at: Date }>(b.collection).insertOne({ _id: `00000000-0000-4000-8000-00000000000${i}`, email: EMAIL, phone: '555-867-5309', ingested_at: new Date() });
    }
    dashboard = await startDashboard(config, { token: TOKEN });
    log(`dashboard with a token on ${dashboard.url}`);
    browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await mongo?.db(config.mongo.database).dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  it('with a token: /login sets the cookie and the page renders completely, no 401 in the network log, headers on every response', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const responses: { url: string; status: number; headers: Record<string, string> }[] = [];
    page.on('response', (r) => responses.push({ url: r.url(), status: r.status(), headers: r.headers() }));
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(`${dashboard.url}login?token=${TOKEN}`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain(TOKEN);
    // Rendered: the script ran (services cards, the collections table, three uPlot charts, the latest
    // documents) and the data arrived; what it saw last is logged if it never gets there.
    let seen = {};
    mkdirSync(screenshotDir, { recursive: true });
    try {
      await eventually(
        async () => {
          seen = {
            services: await page.locator('#services [data-service]').count(),
            collections: await page.locator('#collections tbody tr').count(),
            charts: await page.locator('.charts .uplot').count(),
            latest: await page.locator('#latest pre').count(),
            updated: (await page.textContent('#updated')) ?? '',
          };
          const s = seen as { services: number; collections: number; charts: number; latest: number; updated: string };
          return s.services >= 3 && s.collections >= bindings.length && s.charts === 3 && s.latest === bindings.length && s.updated.startsWith('updated');
        },
        { what: 'the page rendered with services, collections, charts and the latest documents', timeoutMs: 120_000 },
      );
    } finally {
      log(`page: ${JSON.stringify(seen)}`);
      await page.screenshot({ path: join(screenshotDir, 'dashboard-token.png'), fullPage: true });
    }
    const latest = (await page.textContent('#latest')) ?? '';
    expect(latest).toContain('p***@example.com');
    expect(latest).not.toContain(EMAIL);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'streamline_dashboard')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    log(`network log: ${responses.map((r) => `${r.status} ${new URL(r.url).pathname}`).join(', ')}`);
    const paths = new Set(responses.map((r) => new URL(r.url).pathname));
    for (const asset of ['/', '/app.js', '/app.css', '/vendor/uPlot.iife.min.js', '/vendor/uPlot.min.css', '/api/snapshot', '/api/history']) expect(paths, asset).toContain(asset);
    expect(responses.filter((r) => r.status === 401 || r.status === 403)).toEqual([]);
    for (const r of responses) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(r.headers[name], `${name} on ${r.url}`).toBe(value);
    }
    // No Content-Security-Policy violation (an inline script or style, another origin) was reported.
    expect(violations.filter((v) => /Content Security Policy/i.test(v))).toEqual([]);
  });

  it('without the cookie the page gets 401 everywhere; a foreign Host gets 403 and no data (DNS rebinding)', async () => {
    const page = await browser.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => statuses.push(r.status()));
    await page.goto(dashboard.url);
    expect(statuses[0]).toBe(401);
    const port = new URL(dashboard.url).port;
    for (const path of ['/', '/api/snapshot', '/api/history', '/metrics', `/login?token=${TOKEN}`]) {
      const answer = await rawGet(dashboard.url, path, { host: `evil.example:${port}`, authorization: `Bearer ${TOKEN}` });
      expect(answer.status, path).toBe(403);
      expect(answer.body, path).not.toMatch(/services|streamline_|set-cookie/);
      expect(answer.headers['set-cookie'], path).toBeUndefined();
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name], `${name} on 403 ${path}`).toBe(value);
    }
  });
});
