import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../harness/poll.js';
import { isRunning, pidAlive, startProcess, stopProcess } from '../../../src/runtime/process.js';
import { portFree } from '../../../src/runtime/ports.js';
import { createServer } from 'node:net';

describe('process records', () => {
  it('starts a detached process, recognises it, and stops its whole group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-proc-'));
    const logFile = join(dir, 'out.log');
    // A parent that starts a child in the same process group: stopping must take both.
    const record = startProcess({ command: 'sh', args: ['-c', 'sleep 300 & echo child=$!; wait'], cwd: dir, logFile });
    expect(isRunning(record)).toBe(true);
    const childPid = await (async () => {
      for (let i = 0; i < 100; i++) {
        const m = readFileSync(logFile, 'utf8').match(/child=(\d+)/);
        if (m) return Number(m[1]);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('child never reported its pid');
    })();
    expect(pidAlive(childPid)).toBe(true);
    expect(await stopProcess(record, 5_000)).toBe(true);
    expect(isRunning(record)).toBe(false);
    // The group got the signal with its leader; the child dies on its own schedule (a busy machine: ms later).
    await eventually(() => !pidAlive(childPid), { timeoutMs: 5_000, intervalMs: 20, what: `the child ${childPid} to exit` });
  });

  it('does not mistake a reused pid for ours', () => {
    const record = { pid: process.pid, kernelStartTime: '1', startedAt: new Date().toISOString(), command: [], logFile: '' };
    expect(isRunning(record)).toBe(false);
  });
});

describe('portFree', () => {
  it('sees a listening port as taken', async () => {
    const server = createServer();
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    expect(await portFree('127.0.0.1', port)).toBe(false);
    server.close();
    await new Promise((r) => server.once('close', r));
    expect(await portFree('127.0.0.1', port)).toBe(true);
  });
});
