import { describe, expect, it } from 'vitest';
import { formatRecoveryEvent } from '../../../src/cli/stream-format.js';

const at = new Date('2026-11-27T01:21:42.704Z');

describe('formatRecoveryEvent', () => {
  it('says what is waited for and, once resumed, how many queries after how long', () => {
    const failure = { kind: 'checkpoint-unwritable' as const, subject: '/state/checkpoints', detail: 'EROFS' };
    expect(formatRecoveryEvent({ type: 'waiting', failure, elapsedMs: 15_400 }, at)).toBe('2026-11-27T01:21:42.704Z still waiting (15 s): checkpoint dir /state/checkpoints is not writable');
    expect(formatRecoveryEvent({ type: 'waiting', failure: { kind: 'spark-gone', subject: '127.0.0.1:15002', detail: '' }, elapsedMs: 31_000 }, at)).toContain('127.0.0.1:15002 does not answer');
    expect(formatRecoveryEvent({ type: 'resumed', queries: 5, afterMs: 23_300, attempt: 1, maxRestarts: 5, session: 's-2' }, at)).toBe(
      '2026-11-27T01:21:42.704Z resumed 5 queries from their checkpoints after 23 s (restart 1 of at most 5; session s-2)',
    );
    expect(formatRecoveryEvent({ type: 'failed', failure, message: 'the checkpoint dir /state/checkpoints is not writable' }, at)).toBe('2026-11-27T01:21:42.704Z the checkpoint dir /state/checkpoints is not writable');
  });
});
