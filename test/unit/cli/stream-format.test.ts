import { describe, expect, it } from 'vitest';
import { formatPipelineStatus } from '../../../src/cli/stream-format.js';
import { progressLine, summaryText } from '../../../src/cli/commands/demo.js';
import { RANDOM_USER_NOUN } from '../../../src/source/randomuser/runtime.js';

describe('formatPipelineStatus', () => {
  it('shows each query with its rates and lag, then the collections', () => {
    const text = formatPipelineStatus({
      session: { sessionId: 's-1', remote: 'sc://x', startedAt: '2026-01-01T00:00:00.000Z', queries: [] },
      queries: [
        { name: 'ingest_users_profile', id: 'q1', active: true, batchId: 7, inputRowsPerSecond: 1234.4, processedRowsPerSecond: 12.25, batchDurationMs: 850, behind: 40 },
        { name: 'dead_letters', id: 'q2', active: false, exception: 'BOOM: broken' },
      ],
      expected: [
        { name: 'ingest_users_profile', state: 'active' },
        { name: 'ingest_users_location', state: 'missing', lastError: 'Timeout of 60000ms expired' },
        { name: 'dead_letters', state: 'failed', lastError: 'BOOM: broken' },
      ],
      collections: [{ collection: 'users_profile', documents: 5000 }, { collection: 'dead_letters', documents: 3 }],
    });
    const lines = text.split('\n');
    expect(lines[0]).toContain('s-1');
    expect(lines.find((l) => l.startsWith('ingest_users_profile'))).toMatch(/active\s+7\s+1,234\s+12\.3\s+850\s+40/);
    expect(lines.find((l) => l.startsWith('dead_letters '))).toMatch(/failed/);
    expect(text).toContain('dead_letters: BOOM: broken');
    expect(lines.find((l) => l.startsWith('ingest_users_location'))).toMatch(/missing/);
    expect(text).toContain('ingest_users_location: Timeout of 60000ms expired');
    expect(text).toContain('2 of 3 expected queries not active: ingest_users_location (missing), dead_letters (failed)');
    expect(text).toContain('no supervisor runs');
    expect(lines.find((l) => l.startsWith('users_profile'))).toMatch(/5000$/);
  });

  it('says so when nothing runs', () => {
    const text = formatPipelineStatus({ queries: [], expected: [{ name: 'dead_letters', state: 'missing' }], collections: [] });
    expect(text).toContain('no streaming queries are running');
    expect(text).toMatch(/dead_letters\s+missing/);
  });

  it('names the supervisor and what it is doing', () => {
    const text = formatPipelineStatus({
      session: { sessionId: 's-2', remote: 'sc://x', startedAt: '2026-01-01T00:00:00.000Z', queries: [] },
      queries: [],
      expected: [{ name: 'dead_letters', state: 'restarting', lastError: 'Kafka at h:1 is not answering' }],
      supervisor: { pid: 42, status: { pid: 42, startedAt: 'a', updatedAt: 'b', state: 'recovering', restarts: 2, failures: { 'kafka-unavailable': 2 }, queryErrors: {}, active: [] } },
      collections: [],
    });
    expect(text).toContain('supervised by pid 42 (recovering; 2 restarts; failures: kafka-unavailable 2; last report b)');
    expect(text).toMatch(/dead_letters\s+restarting/);
  });
});

describe('demo output', () => {
  const produce = { seed: 's', fetched: 10, invalid: 1, duplicates: 0, fetchErrors: 2, produced: { 'users.profile': 10 }, failed: {}, failureReasons: {}, elapsedMs: 1000, aborted: false, stopReason: 'count' as const, fetchGapsMs: [], gapsByLane: {} };

  it('reports a match only when documents equal produced records', () => {
    const ok = summaryText({ noun: RANDOM_USER_NOUN, rows: [{ topic: 'users.profile', collection: 'users_profile', produced: 10, documents: 10 }], deadLetters: 0, produce, consistent: true, interrupted: false, elapsedMs: 5000 }, 'mongodb://h:1', 'db');
    expect(ok).toMatch(/users_profile\s+10\s+10\s+yes/);
    expect(ok).toContain('every produced user is in every collection, exactly once.');
    expect(ok).toContain('db.users_profile.findOne()');
    expect(ok).toContain('mongosh mongodb://h:1/db');
    const bad = summaryText({ noun: RANDOM_USER_NOUN, rows: [{ topic: 'users.profile', collection: 'users_profile', produced: 10, documents: 9 }], deadLetters: 0, produce, consistent: false, interrupted: false, elapsedMs: 5000 }, 'mongodb://h:1', 'db');
    expect(bad).toMatch(/NO/);
    expect(bad).toContain('MISMATCH');
  });

  it('summarises progress on one line', () => {
    const line = progressLine({
      noun: RANDOM_USER_NOUN,
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

  it('speaks of the source\'s records, and leaves out the prefix every collection shares (the demo\'s line as before #23)', () => {
    const topics = { 'users.profile': { produced: 500, failed: 0, dispatched: 500 }, 'users.contact': { produced: 500, failed: 0, dispatched: 500 } };
    const view = {
      elapsedMs: 15_000,
      produced: { elapsedMs: 12_000, fetched: 500, invalid: 0, duplicates: 0, fetchErrors: 0, topics },
      queries: [{ name: 'ingest_users_profile', id: 'q', active: true, processedRowsPerSecond: 42.4 }, { name: 'ingest_users_contact', id: 'r', active: true, processedRowsPerSecond: 40 }],
      documents: { users_profile: 90, users_contact: 80, dead_letters: 1 },
    };
    expect(progressLine({ ...view, noun: RANDOM_USER_NOUN })).toBe('[   15s] produced 500 users/topic | processed profile 42/s contact 40/s | documents profile 90 contact 80 dead_letters 1');
    expect(progressLine({ ...view, noun: { one: 'record', many: 'records' } })).toContain('produced 500 records/topic');
    const generic = summaryText({ noun: { one: 'record', many: 'records' }, rows: [{ topic: 'orders', collection: 'orders', produced: 3, documents: 3 }], deadLetters: 0, produce, consistent: true, interrupted: false, elapsedMs: 5000 }, 'mongodb://h:1', 'db');
    expect(generic).toContain('every produced record is in every collection, exactly once.');
    expect(generic).toContain('db.orders.findOne()');
  });
});
