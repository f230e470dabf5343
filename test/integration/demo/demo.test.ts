import { resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { testServices, uniqueName } from '../../support/services.js';
import { spawnCli } from '../../../harness/cli.js';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawnCli(args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// The README's main command (`npm start` runs `streamline demo`), against the shared test runtime: the demo
// finds the services already up, uses them, and leaves them running because it did not start them.
describe('streamline demo', () => {
  it('runs the whole pipeline for 60 s and exits 0 with counts that match the collections', async () => {
    const shared = testRuntimeConfig('shared', 'integration');
    const database = uniqueName('demo');
    const env = {
      STREAMLINE_STATE_DIR: shared.stateDir,
      STREAMLINE_ARTIFACTS_DIR: shared.artifactsDir,
      STREAMLINE_KAFKA_PORT: String(shared.kafka.port),
      STREAMLINE_KAFKA_CONTROLLER_PORT: String(shared.kafka.controllerPort),
      STREAMLINE_SPARK_PORT: String(shared.spark.port),
      STREAMLINE_SPARK_UI_PORT: String(shared.spark.uiPort),
      STREAMLINE_MONGO_PORT: String(shared.mongo.port),
      STREAMLINE_MONGO_DATABASE: database,
      STREAMLINE_API_PORT: String(shared.api.port),
      STREAMLINE_STREAM_CHECKPOINT_DIR: resolve(shared.stateDir, uniqueName('demo-checkpoints')),
    };
    const result = await run(['demo', '--duration', '60s', '--seed', uniqueName('seed')], env);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('every produced user is in every collection, exactly once.');

    // The summary's rows: TOPIC COLLECTION PRODUCED DOCUMENTS MATCH.
    const rows = [...result.stdout.matchAll(/^(users\.\w+)\s+(users_\w+)\s+(\d+)\s+(\d+)\s+(yes|NO)$/gm)].map((m) => ({
      collection: m[2] as string,
      produced: Number(m[3]),
      documents: Number(m[4]),
    }));
    expect(rows.map((r) => r.collection).sort()).toEqual(['users_account', 'users_contact', 'users_location', 'users_profile']);
    const mongo = new MongoClient(testServices().mongoUri);
    try {
      const db = mongo.db(database);
      for (const row of rows) {
        expect(row.produced).toBeGreaterThan(0);
        expect(row.documents).toBe(row.produced);
        expect(await db.collection(row.collection).countDocuments()).toBe(row.produced);
      }
    } finally {
      await mongo.close();
    }
  });
});
