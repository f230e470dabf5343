// `--json` on any command: a failure is one JSON object on stderr, {"error":{"code","message","hint"}},
// with the same exit code as without it. Runs the command lines in-process, against nothing running.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStreamline, wantsJsonErrors } from '../../../src/cli/program.js';
import { closedPort } from '../../../harness/cli.js';

async function streamline(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runStreamline(['node', 'streamline', ...args], { stdout: () => undefined, stderr: (text) => void (stderr += text) });
  return { code, stderr };
}

/** stderr must be exactly one line of JSON. */
function parsedError(stderr: string): { error: { code: string; message: string; hint?: string } } {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stderr) as { error: { code: string; message: string; hint?: string } };
}

describe('--json error output', () => {
  it('reports a flag that does not parse as USAGE, exit 2, without commander text', async () => {
    const run = await streamline(['produce', '--count', '1', '--interval', '5..1ms', '--json']);
    expect(run.code).toBe(2);
    const { error } = parsedError(run.stderr);
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(/--interval: expected a range/);
    expect(run.stderr).not.toMatch(/run with --help/);
  });

  it('reports an unknown option as USAGE whether --json comes before or after the command', async () => {
    for (const args of [['--json', 'status', '--bogus'], ['status', '--bogus', '--json']]) {
      const run = await streamline(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(parsedError(run.stderr).error).toEqual({ code: 'USAGE', message: "unknown option '--bogus'" });
    }
  });

  it('reports a configuration error as CONFIG_INVALID, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-json-'));
    const configFile = join(dir, 'streamline.config.json');
    writeFileSync(configFile, '{"kafka": ');
    const run = await streamline(['status', '--config', configFile, '--json']);
    expect(run.code).toBe(2);
    const { error } = parsedError(run.stderr);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`config file ${configFile}: not valid JSON`);
  });

  it('reports a service that does not answer as SERVICE_UNAVAILABLE with its hint, exit 1; the same failure as text without --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-json-'));
    const kafka = await closedPort();
    const args = ['ping', 'kafka', '--state-dir', dir, '--timeout', '2s'];
    process.env.STREAMLINE_KAFKA_PORT = String(kafka);
    try {
      const json = await streamline([...args, '--json']);
      expect(json.code).toBe(1);
      const { error } = parsedError(json.stderr);
      expect(error.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.message).toContain(`kafka at 127.0.0.1:${kafka}`);
      expect(error.hint).toMatch(/check that the service is running/);

      const text = await streamline(args);
      expect(text.code).toBe(1);
      expect(text.stderr).toMatch(/^error: not answering: kafka at /);
      expect(text.stderr).toMatch(/\nhint: check that the service is running/);
    } finally {
      delete process.env.STREAMLINE_KAFKA_PORT;
    }
  }, 30_000);

  it('takes --json only among the options, not after `--`', () => {
    expect(wantsJsonErrors(['status', '--json'])).toBe(true);
    expect(wantsJsonErrors(['--json', 'status'])).toBe(true);
    expect(wantsJsonErrors(['status'])).toBe(false);
    expect(wantsJsonErrors(['api', '--', '--json'])).toBe(false);
  });
});
