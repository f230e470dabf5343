import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { down, pidAlive } from '../../../src/runtime/index.js';
import { runtimeEnv, testRuntimeConfig } from '../../../harness/runtime.js';
import { spawnCli } from '../../../harness/cli.js';

// `npx streamline up && npx streamline status && npx streamline down`, as a newcomer types it, on ports
// of its own (not the shared test runtime's).
describe('streamline up / status / down from a shell', () => {
  const config = testRuntimeConfig('cli', 'cli');
  const env = { ...process.env, STREAMLINE_STATE_DIR: config.stateDir, ...runtimeEnv(config) };
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawnCli(args, { env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => done({ code, out }));
    });

  afterAll(async () => {
    await down(config);
  });

  it('starts, reports and stops the services with meaningful exit codes', async () => {
    rmSync(config.stateDir, { recursive: true, force: true });
    const upRun = await cli('up');
    expect(upRun.code, upRun.out).toBe(0);
    expect(upRun.out).toMatch(/all services ready/);

    const statusRun = await cli('status');
    expect(statusRun.code, statusRun.out).toBe(0);
    const [header, , ...rows] = statusRun.out.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['SERVICE', 'ROLE', 'ADDRESS', 'PID', 'UPTIME', 'HEALTH']);
    const services = rows.map((r) => r.split(/\s+/));
    expect(services.map((s) => s[0]).sort()).toEqual(['ferretdb', 'kafka', 'spark']);
    // Health is the last column (an uptime like "1m 8s" has a space in it).
    for (const s of services) expect(s.at(-1)).toBe('healthy');
    const pids = services.map((s) => Number(s[3]));

    const again = await cli('up');
    expect(again.code).toBe(0);
    expect(again.out).toContain('already running');

    const downRun = await cli('down');
    expect(downRun.code, downRun.out).toBe(0);
    expect(downRun.out).toContain('all stopped.');
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);

    const after = await cli('status');
    expect(after.out.match(/stopped/g)).toHaveLength(3);
  });
});
