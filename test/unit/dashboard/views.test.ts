import { describe, expect, it } from 'vitest';
import { BindRefusedError } from '../../../src/core/errors.js';
import { checkBinding, dashboardToken, isLoopback } from '../../../src/dashboard/auth.js';
import { historyPoint, perSecond, withLag, type DashboardSnapshot, type TopicView } from '../../../src/dashboard/views.js';
import { loadConfig } from '../../../src/config/index.js';

const topics: TopicView[] = [
  { topic: 'users.profile', partitions: 2, endOffsets: { '0': 10, '1': 7 }, produced: 17 },
  { topic: 'users.contact', partitions: 1, endOffsets: { '0': 5 }, produced: 5 },
];

describe('lag', () => {
  it('sums per query and counts the records read', () => {
    const view = withLag({ name: 'dead_letters', id: 'x', active: true, readOffsets: { 'users.profile': { '0': 9, '1': 7 }, 'users.contact': { '0': 2 } } }, topics);
    expect(view.lag).toBe(4);
    expect(view.recordsRead).toBe(18);
  });
});

describe('rates and history', () => {
  it('computes per-second growth only with a previous sample', () => {
    expect(perSecond(150, 100, 2_000)).toBe(25);
    expect(perSecond(150, undefined, 2_000)).toBeUndefined();
    expect(perSecond(150, 100, 0)).toBeUndefined();
  });

  it('makes one chart point from a snapshot', () => {
    const snapshot: DashboardSnapshot = {
      at: '2026-01-01T00:00:10.000Z',
      refreshMs: 1000,
      services: {},
      topics: { value: [{ ...topics[0]!, producedPerSecond: 3 }, { ...topics[1]!, producedPerSecond: 2 }] },
      supervisor: {},
      queries: { value: [{ name: 'a', id: 'a', active: true, processedRowsPerSecond: 4, batchDurationMs: 120, lag: 1 }, { name: 'b', id: 'b', active: false, batchDurationMs: 300, lag: 2 }] },
      collections: { value: [{ collection: 'c', documents: 3, growthPerSecond: 1.5 }] },
      latest: {},
    };
    expect(historyPoint(snapshot)).toEqual({ t: 1767225610, producedPerSecond: 5, writtenPerSecond: 1.5, processedPerSecond: 4, lag: 3, batchDurationMs: 300 });
  });
});

describe('binding', () => {
  it('allows loopback without a token', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(() => checkBinding({ host: '127.0.0.1', port: 3000, explicitHost: false })).not.toThrow();
  });

  it('refuses any other address without --host or without a token', () => {
    expect(() => checkBinding({ host: '0.0.0.0', port: 3000, explicitHost: true })).toThrow(/without an access token/);
    expect(() => checkBinding({ host: '0.0.0.0', port: 3000, explicitHost: false, token: 'token-of-16-chars' })).toThrow(/needs the --host flag/);
    expect(() => checkBinding({ host: '0.0.0.0', port: 3000, explicitHost: true, token: 'token-of-16-chars' })).not.toThrow();
    expect(() => checkBinding({ host: '0.0.0.0', port: 3000, explicitHost: true, token: 't' })).toThrow(/1 characters, at least 16/);
  });

  it('reads the token from the env first, and never puts it in the config', () => {
    const config = loadConfig({ env: { STREAMLINE_DASHBOARD_TOKEN: 'from-env-0123456789' } });
    expect(JSON.stringify(config)).not.toContain('from-env');
    expect(dashboardToken(config, { STREAMLINE_DASHBOARD_TOKEN: 'from-env-0123456789' })).toBe('from-env-0123456789');
    expect(() => dashboardToken(config, { STREAMLINE_DASHBOARD_TOKEN: 'short' })).toThrow(/STREAMLINE_DASHBOARD_TOKEN: the dashboard token has 5 characters, at least 16/);
    expect(dashboardToken(config, {})).toBeUndefined();
    const missing = loadConfig({ env: { STREAMLINE_DASHBOARD_TOKEN_FILE: '/nonexistent/token' } });
    expect(() => dashboardToken(missing, {})).toThrow(BindRefusedError);
    expect(() => dashboardToken(missing, {})).toThrow(/dashboard.tokenFile \/nonexistent\/token: cannot be read/);
  });
});
