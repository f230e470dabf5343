// Issue 22: each local service on a non-loopback address without `<service>.allowRemote` is refused before
// anything starts, naming the service, the key and what would be exposed; allowRemote lets it through to
// the next check. Nothing is started: the refusal comes before the jars are even looked at.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { serveApi } from '../../../src/app/api.js';
import { remoteBindRefusal, up } from '../../../src/runtime/index.js';
import { runCli } from '../../../harness/cli.js';

const config = (env: Record<string, string>) => {
  const cwd = mkdtempSync(join(tmpdir(), 'streamline-bind-'));
  // An artifacts dir without jars: a run that got past the bind check would fail on the missing artifacts.
  return loadConfig({ cwd, env: { STREAMLINE_STATE_DIR: join(cwd, 'state'), STREAMLINE_ARTIFACTS_DIR: join(cwd, 'none'), ...env } });
};

const CASES = [
  { section: 'kafka', service: 'kafka', title: 'Kafka', exposes: /reads, writes and deletes every topic/ },
  { section: 'spark', service: 'spark', title: 'Spark Connect', exposes: /runs whatever plan a client sends/ },
  { section: 'mongo', service: 'ferretdb', title: 'FerretDB', exposes: /reads and rewrites every collection/ },
] as const;

describe('local services refuse a non-loopback bind without allowRemote', () => {
  for (const c of CASES) {
    it(`${c.title} on 0.0.0.0: refused naming ${c.section}.host and ${c.section}.allowRemote; allowed with it`, async () => {
      const key = c.section.toUpperCase();
      const refused = config({ [`STREAMLINE_${key}_HOST`]: '0.0.0.0' });
      const error = await up(refused, { only: [c.service] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`refusing to start ${c.title} on 0.0.0.0:`);
      expect((error as Error).message).toContain(`(${c.section}.host)`);
      expect((error as Error).message).toContain(`${c.section}.allowRemote to true (env STREAMLINE_${key}_ALLOW_REMOTE=true)`);
      expect((error as Error).message).toMatch(c.exposes);

      const allowed = config({ [`STREAMLINE_${key}_HOST`]: '0.0.0.0', [`STREAMLINE_${key}_ALLOW_REMOTE`]: 'true' });
      expect(remoteBindRefusal(allowed, c.section)).toBeUndefined();
      // Past the bind check, the next one speaks: the (deliberately missing) artifacts.
      await expect(up(allowed, { only: [c.service] })).rejects.toThrow(/missing artifact|not found|no such/i);
    });
  }

  it('the local API on 0.0.0.0 is refused (streamline api and the run API of produce/demo)', async () => {
    await expect(serveApi(config({ STREAMLINE_API_HOST: '0.0.0.0' }))).rejects.toThrow(/refusing to start the local Random User API on 0\.0\.0\.0:3001 \(api\.host\).*api\.allowRemote/);
    expect(remoteBindRefusal(config({ STREAMLINE_API_HOST: '127.0.0.2' }), 'api')).toBeUndefined();
    expect(remoteBindRefusal(config({ STREAMLINE_API_HOST: 'localhost' }), 'api')).toBeUndefined();
  });

  it('the CLI exits 2 with the message', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'streamline-bind-cli-'));
    const run = await runCli(['up'], { STREAMLINE_STATE_DIR: join(cwd, 'state'), STREAMLINE_SPARK_HOST: '0.0.0.0' });
    expect(run.stderr).toContain('refusing to start Spark Connect on 0.0.0.0:15002 (spark.host)');
    expect(run.code).toBe(2);
  });
});
