// `streamline produce` refuses bad flags with exit code 2 and a message naming the flag, before it
// starts the API server or connects to Kafka (the bootstrap below points at a closed port: a command
// that got that far would fail differently, with exit code 1, after a connection timeout).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function produce(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/streamline.js', 'produce', '--kafka', '127.0.0.1:1', ...args],
      { cwd: repoRoot, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('streamline produce: bad flags exit 2 with a message naming the flag', () => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    { args: ['--count', '0'], message: /--count: expected a whole number >= 1, got "0"/ },
    { args: ['--interval', '5..1ms'], message: /--interval: expected a range min\.\.max .*\(min <= max\), got "5\.\.1ms"/ },
    { args: ['--pii', 'nope'], message: /--pii <policy>' argument 'nope' is invalid\. Allowed choices are keep, mask, hash/ },
    { args: ['--interval', '1..2s', '--mean-rate', '3'], message: /--interval and --mean-rate are alternatives/ },
    { args: ['--topics', 'users.profile=bad/name'], message: /--topics: expected a Kafka topic name after users\.profile=, got "bad\/name"/ },
    { args: ['--topics', 'users.nope=x'], message: /--topics: "users\.nope" is not a known topic/ },
  ];

  it.concurrent.each(cases)('$args', async ({ args, message }) => {
    const run = await produce(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    // It stopped before doing anything: no "producing to ..." line.
    expect(run.stdout).not.toMatch(/producing to/);
  }, 30_000); // a CLI start (tsx) costs about a second of CPU; several share 2 cores
});
