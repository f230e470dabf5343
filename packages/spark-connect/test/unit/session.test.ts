import { describe, expect, it } from 'vitest';
import { CLIENT_TYPE, InvalidSparkUrlError, SparkError, SparkSession } from '../../src/index.js';

describe('SparkSession builder', () => {
  it('creates a session without contacting the server, with a fresh UUID session id', async () => {
    const a = await SparkSession.builder().remote('sc://127.0.0.1:9').getOrCreate();
    const b = await SparkSession.builder().remote('sc://127.0.0.1:9').getOrCreate();
    expect(a.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(a.address).toBe('127.0.0.1:9');
    expect(a.client.clientType).toBe(CLIENT_TYPE);
    expect(CLIENT_TYPE).toMatch(/^streamline\//);
    a.close();
    b.close();
  });

  it('reuses a given session id (from the builder or the URL)', async () => {
    const id = '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b';
    const a = await SparkSession.builder().remote('sc://h:1').sessionId(id).getOrCreate();
    const b = await SparkSession.builder().remote(`sc://h:1/;session_id=${id};user_id=bob`).getOrCreate();
    expect(a.sessionId).toBe(id);
    expect(b.sessionId).toBe(id);
    expect(b.client.userId).toBe('bob');
    a.close();
    b.close();
  });

  it('validates the URL and session id eagerly', () => {
    expect(() => SparkSession.builder().remote('http://h:1')).toThrow(InvalidSparkUrlError);
    expect(() => SparkSession.builder().sessionId('not-a-uuid')).toThrow(SparkError);
  });

  it('stop() is safe on a session whose server is gone, and calls after close fail clearly', async () => {
    const s = await SparkSession.builder().remote('sc://127.0.0.1:9').retries(0).deadlineMs(2_000).getOrCreate();
    await s.stop();
    await s.stop();
    await expect(s.sql('SELECT 1').collect()).rejects.toThrow(/closed/);
  });
});
