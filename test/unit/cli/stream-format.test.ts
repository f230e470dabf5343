import { describe, expect, it } from 'vitest';
import { formatPipelineStatus } from '../../../src/cli/stream-format.js';
import { progressLine, summaryText } from '../../../src/cli/commands/demo.js';

describe('formatPipelineStatus', () => {
  it('shows each query with its rates and lag, then the collections', () => {
    const text = formatPipelineStatus({
      session: { sessionId: 's-1', remote: 'sc://x', startedAt: '2026-01-01T00:00:00.000Z', queries: [] },
      queries: [
        { name: 'ingest_users_profile', id: 'q1', active: true, batchId: 7, inputRowsPerSecond: 1234.4, processedRowsPerSecond: 12.25, batchDurationMs: 850, behind: 40 },
        { name: 'dead_letters', id: 'q2', active: false, exception: 'BOOM: broken' },
      ],
      collections: [{ collection: 'users_profile', documents: 5000 }, { collection: 'dead_letters', documents: 3 }],
    });
    const lines = text.split('\n');
    expect(lines[0]).toContain('s-1');
    expect(lines.find((l) => l.startsWith('ingest_users_profile'))).toMatch(/active\s+7\s+1,234\s+12\.3\s+850\s+40/);
    expect(lines.find((l) => l.startsWith('dead_letters '))).toMatch(/failed/);
    expect(text).toContain('dead_letters: BOOM: broken');
    expect(lines.find((l) => l.startsWith('users_profile'))).toMatch(/5000$/);
  });

  it('says so when nothing runs', () => {
    expect(formatPipelineStatus({ queries: [], collections: [] })).toContain('no streaming queries are running');
  });
});

describe('demo output', () => {
  const produce = { seed: 's', fetched: 10, invalid: 1, duplicates: 0, fetchErrors: 2, produced: { 'users.profile': 10 }, failed: {}, failureReasons: {}, elapsedMs: 1000, aborted: false, stopReason: 'count' as const, fetchGapsMs: [], gapsByLane: {} };

  it('reports a match only when documents equal produced records', () => {
    const ok = summaryText({ rows: [{ topic: 'users.profile', collection: 'users_profile', produced: 10, documents: 10 }], deadLetters: 0, produce, consistent: true, interrupted: false, elapsedMs: 5000 }, 'mongodb://h:1', 'db');
    expect(ok).toMatch(/users_profile\s+10\s+10\s+yes/);
    expect(ok).toContain('exactly once');
    expect(ok).toContain('mongosh mongodb://h:1/db');
    const bad = summaryText({ rows: [{ topic: 'users.profile', collection: 'users_profile', produced: 10, documents: 9 }], deadLetters: 0, produce, consistent: false, interrupted: false, elapsedMs: 5000 }, 'mongodb://h:1', 'db');
    expect(bad).toMatch(/NO/);
    expect(bad).toContain('MISMATCH');
  });

  it('summarises progress on one line', () => {
    const line = progressLine({
      elapsedMs: 15_000,
      produced: { elapsedMs: 12_000, fetched: 100, invalid: 0, duplicates: 0, fetchErrors: 0, topics: { 'users.profile': { produced: 100, failed: 0, inFlight: 0, ratePerSec: 10 } } as never },
      queries: [{ name: 'ingest_users_profile', id: 'q', active: true, processedRowsPerSecond: 42.4 }],
      documents: { users_profile: 90, dead_letters: 0 },
    });
    expect(line).toContain('produced 100 users/topic');
    expect(line).toContain('[   15s]');
    expect(line).toContain('profile 42/s');
    expect(line).toContain('profile 90');
  });
});
