// The two commands deploy/compose.yaml runs besides the pipeline itself: `setup-store` (the one-shot
// job that creates topics and collections) and `ping` (the app containers' health checks), through
// the real CLI against the shared test services.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DEAD_LETTERS } from '../../../src/sink/index.js';
import { testServices, uniqueName } from '../../support/services.js';
import { runCli } from '../../../harness/cli.js';

const stateDir = mkdtempSync(join(tmpdir(), 'streamline-deploy-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** Runs the CLI with only the given STREAMLINE_* settings, as a container would. */
async function streamline(args: string[], settings: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STREAMLINE_')));
  const run = await runCli(args, { ...env, STREAMLINE_STATE_DIR: stateDir, ...settings }, 120_000, { replaceEnv: true });
  return { ...run, code: run.code ?? 1 };
}

const endpoints = () => {
  const s = testServices();
  return { STREAMLINE_KAFKA_BOOTSTRAP_SERVERS: s.kafkaBootstrap, STREAMLINE_SPARK_REMOTE: s.sparkRemote, STREAMLINE_MONGO_URI: s.mongoUri };
};

describe('deploy commands', () => {
  it('ping: exit 0 when every named service answers, 1 naming the one that does not', async () => {
    const ok = await streamline(['ping', 'kafka', 'spark', 'mongo'], endpoints());
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^kafka: ok .*\nspark: ok .*\nmongo: ok .*\n$/);

    const down = await streamline(['ping', 'kafka', 'mongo', '--timeout', '1500ms'], { ...endpoints(), STREAMLINE_MONGO_URI: 'mongodb://app:hunter2@127.0.0.1:1/' });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^kafka: ok/);
    expect(down.stderr).toContain('not answering: mongo at mongodb://app:***@127.0.0.1:1/');
    expect(down.stderr + down.stdout).not.toContain('hunter2');
  });

  it('setup-store: creates the collections with their indexes, and a second run finds them all present', async () => {
    const database = uniqueName('deploy');
    const settings = { ...endpoints(), STREAMLINE_MONGO_DATABASE: database, STREAMLINE_TOPICS: 'users.account' };
    const first = await streamline(['setup-store'], settings);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`created collections: ${['users_account', DEAD_LETTERS].join(', ')}`);

    const mongo = new MongoClient(testServices().mongoUri);
    try {
      const names = (await mongo.db(database).listCollections().toArray()).map((c) => c.name).sort();
      expect(names).toEqual(['users_account', DEAD_LETTERS].sort());
      expect((await mongo.db(database).collection('users_account').indexes()).length).toBeGreaterThan(1);
      const again = await streamline(['setup-store'], settings);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('collections: all present');
    } finally {
      await mongo.db(database).dropDatabase().catch(() => undefined);
      await mongo.close();
    }
  });
});
