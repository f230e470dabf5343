import { describe, expect, it } from 'vitest';
import { decideRestart, describeFailure, diagnose, restartBackoff, type Observations, type RestartPolicy } from '../../../src/app/recovery-policy.js';
import { backoffMs } from '../../../src/core/clock.js';
import { defaultConfig } from '../../../src/config/load.js';

const policy: RestartPolicy = { maxRestarts: 3, initialBackoffMs: 1_000, maxBackoffMs: 5_000, healthyAfterMs: 60_000, waitMs: 300_000, restartDriver: true };
const base: Observations = { queryExceptions: [], storeReachable: true, sparkAddress: '127.0.0.1:15002', storeAddress: 'mongodb://127.0.0.1:27017' };

describe('restart budget and backoff', () => {
  it('doubles the backoff from the initial value up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(restartBackoff(policy), a))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('restarts up to maxRestarts times in a streak, then gives up naming the setting', () => {
    let history = { restarts: 0, runningSince: 0 as number | undefined };
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = decideRestart(policy, history, 10_000 + i);
      expect(d.action).toBe('restart');
      if (d.action !== 'restart') return;
      attempts.push(d.attempt);
      history = { ...d.history, runningSince: 10_000 + i };
    }
    expect(attempts).toEqual([1, 2, 3]);
    const last = decideRestart(policy, history, 10_005);
    expect(last).toEqual({ action: 'give-up', reason: expect.stringContaining('stream.restart.maxRestarts = 3') });
  });

  it('gives the whole budget back after a healthy run of healthyAfterMs', () => {
    const d = decideRestart(policy, { restarts: 3, runningSince: 0 }, 60_000);
    expect(d).toMatchObject({ action: 'restart', attempt: 1, delayMs: 1_000 });
  });

  it('does not count time spent waiting for a restart as healthy (a failed restart keeps the streak)', () => {
    const first = decideRestart(policy, { restarts: 2, runningSince: 0 }, 10_000);
    expect(first).toMatchObject({ action: 'restart', attempt: 3 });
    if (first.action !== 'restart') return;
    // The restart itself failed 10 minutes later (a long wait): still the same streak.
    expect(decideRestart(policy, first.history, 610_000).action).toBe('give-up');
  });

  it('maxRestarts 0 stops at the first failure', () => {
    expect(decideRestart({ ...policy, maxRestarts: 0 }, { restarts: 0, runningSince: 0 }, 1)).toEqual({ action: 'give-up', reason: expect.stringContaining('restarts are off') });
  });

  it('has defaults in the config', () => {
    expect(defaultConfig().stream.restart).toMatchObject({ maxRestarts: 5, restartDriver: true });
  });
});

describe('diagnose', () => {
  it('a lost connection to Spark Connect or a forgotten session is the server gone', () => {
    expect(diagnose({ ...base, sparkError: { name: 'SparkUnavailableError', message: 'connect ECONNREFUSED' } })).toMatchObject({ kind: 'spark-gone', subject: '127.0.0.1:15002' });
    expect(diagnose({ ...base, sparkError: { name: 'SparkConnectError', errorClass: 'INVALID_HANDLE.SESSION_NOT_FOUND', message: 'gone' } }).kind).toBe('spark-gone');
    // Even when the store is also down: the queries live in the driver, so it comes first.
    expect(diagnose({ ...base, storeReachable: false, sparkError: { name: 'SparkTimeoutError', message: 'deadline' } }).kind).toBe('spark-gone');
  });

  it('an unwritable checkpoint dir found by the probe wins over the message text', () => {
    const f = diagnose({
      ...base,
      storeReachable: false,
      queryExceptions: [{ query: 'ingest_users_profile', message: 'java.io.IOException: Mkdirs failed to create file:/x/offsets' }],
      checkpointProblem: { path: '/state/checkpoints', reason: 'EROFS: read-only file system' },
    });
    expect(f).toMatchObject({ kind: 'checkpoint-unwritable', subject: '/state/checkpoints' });
    expect(f.detail).toContain('EROFS');
    expect(f.detail).toContain('Mkdirs failed');
  });

  it('a store that does not answer, or the Java driver saying so, is the store gone', () => {
    expect(diagnose({ ...base, storeReachable: false, queryExceptions: [{ query: 'q', message: 'Job aborted' }] })).toMatchObject({ kind: 'store-unavailable', subject: 'mongodb://127.0.0.1:27017' });
    const text = 'org.apache.spark.SparkException: Job aborted due to stage failure: com.mongodb.MongoTimeoutException: Timed out while waiting for a server that matches WritableServerSelector';
    expect(diagnose({ ...base, queryExceptions: [{ query: 'q', message: text }] }).kind).toBe('store-unavailable');
  });

  it('disk errors in the text name the file when the probe found nothing (already fixed)', () => {
    const f = diagnose({ ...base, queryExceptions: [{ query: 'q', message: 'java.io.FileNotFoundException: file:/state/cp/q/offsets/.7.tmp (Read-only file system)' }] });
    expect(f).toMatchObject({ kind: 'checkpoint-unwritable', subject: '/state/cp/q/offsets/.7.tmp' });
  });

  it('anything else is a failed query, named', () => {
    expect(diagnose({ ...base, queryExceptions: [{ query: 'ingest_a', message: 'boom' }, { query: 'dead_letters', message: 'boom' }] })).toEqual({ kind: 'query-failed', subject: 'ingest_a, dead_letters', detail: 'boom\nboom' });
  });
});

describe('describeFailure', () => {
  it('names the path and what to do for an unwritable checkpoint dir', () => {
    const text = describeFailure({ kind: 'checkpoint-unwritable', subject: '/state/checkpoints', detail: 'EROFS: read-only file system' }, policy);
    expect(text).toContain('/state/checkpoints is not writable');
    expect(text).toMatch(/remount it read-write.*chattr -R -i/);
    expect(text).toContain('300 s (stream.restart.waitMs)');
  });

  it('names the address of a gone service', () => {
    expect(describeFailure({ kind: 'spark-gone', subject: '127.0.0.1:15002', detail: 'x' }, policy)).toMatch(/^Spark Connect at 127\.0\.0\.1:15002 is gone/);
    expect(describeFailure({ kind: 'store-unavailable', subject: 'mongodb://h:1', detail: 'x' }, policy)).toContain('mongodb://h:1');
  });
});
