// `streamline produce` refuses bad flags with exit code 2 and a message naming the flag, before it
// starts the API server or connects to Kafka (the bootstrap below points at a closed port: a command
// that got that far would fail differently, with exit code 1, after a connection timeout).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runStreamline } from '../../../src/cli/program.js';

async function produce(args: readonly string[]) {
  let stderr = '';
  const code = await runStreamline(['node', 'streamline', 'produce', '--kafka', '127.0.0.1:1', ...args], { stdout: () => undefined, stderr: (text) => void (stderr += text) });
  return { code, stderr };
}

// What the commands print (they write to stdout themselves): none of the cases may get to "producing pipeline ...".
let stdout = '';
beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
});
afterAll(() => {
  vi.restoreAllMocks();
  expect(stdout).not.toMatch(/producing pipeline/);
});

describe('streamline produce: bad flags exit 2 with a message naming the flag', () => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    { args: ['--count', '0'], message: /--count: expected a whole number >= 1, got "0"/ },
    { args: ['--interval', '5..1ms'], message: /--interval: expected a range min\.\.max .*\(min <= max\), got "5\.\.1ms"/ },
    { args: ['--pii', 'nope'], message: /--pii <policy>' argument 'nope' is invalid\. Allowed choices are keep, mask, hash/ },
    { args: ['--interval', '1..2s', '--mean-rate', '3'], message: /--interval and --mean-rate are alternatives/ },
    { args: ['--publish-as', 'users.profile=bad/name'], message: /--publish-as: expected a Kafka topic name after users\.profile=/ },
    { args: ['--publish-as', 'users.nope=x'], message: /unknown topic "users\.nope"; pipeline randomuser \(.*\) has users\.profile, users\.location, users\.contact, users\.account/ },
    { args: ['--publish-as', 'users profile=x'], message: /--publish-as: expected a topic of the pipeline before =, not "users profile"/ },
    { args: ['--topics', 'users.profile', '--publish-as', 'users.contact=x'], message: /--publish-as: users\.contact not among the topics produced \(users\.profile\)/ },
    { args: ['--topics', 'users.profile=x'], message: /--topics: expected Kafka topic names/ },
  ];

  it.concurrent.each(cases)('$args', async ({ args, message }) => {
    const run = await produce(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
