// Acceptance of issue 22 in the browser tier: with a token the page renders completely in headless Chromium
// (after /login, every request the page makes succeeds: no 401 in the network log), a request with a foreign
// Host gets 403 and no data, and every response carries the security headers. It runs on the browser tier's
// services (test/browser/global-setup.ts), so the page shows a real pipeline's services and collections.
import { request } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StreamlineConfig } from '../../src/config/index.js';
import { SECURITY_HEADERS } from '../../src/dashboard/auth.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { eventually } from '../support/poll.js';
import { browserRuntimeConfig } from './runtime.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const screenshotDir = join(repoRoot, 'test-results');
const log = (message: string) => process.stdout.write(`[browser-security] ${message}\n`);
const TOKEN = `browser-token-${Date.now().toString(36)}-4f9c1e`;

const base = browserRuntimeConfig();
// A port of its own (the other dashboard test uses dashboard.port), nothing else changes.
const config: StreamlineConfig = { ...base, dashboard: { ...base.dashboard, port: 0 } };

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

  beforeAll(async () => {
    dashboard = await startDashboard(config, { token: TOKEN });
    log(`dashboard with a token on ${dashboard.url}`);
    browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
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
    // Rendered: the script ran (services cards, the collections table, three uPlot charts) and the data arrived.
    await eventually(
      async () => {
        const services = await page.locator('#services [data-service]').count();
        const collections = await page.locator('#collections tbody tr').count();
        const charts = await page.locator('.charts .uplot').count();
        const updated = (await page.textContent('#updated')) ?? '';
        return services >= 3 && collections === config.topics.length && charts === 3 && updated.startsWith('updated') && { services, collections, charts };
      },
      { what: 'the page rendered with services, collections and charts', timeoutMs: 60_000 },
    );
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'dashboard-token.png'), fullPage: true });
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
