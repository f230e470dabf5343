// A newcomer's everyday mistakes: a command that needs Kafka, Spark Connect or MongoDB while nothing
// runs says which service, at which address, and what to do; exit code 1, no stack trace, no raw
// socket error. Odd inputs: a zero gap is a valid interval, a backwards one a usage error (exit 2).
// Runs the command lines in-process (each with its own config file, so they run side by side) against
// ports where nothing listens: no service is needed and nothing waits long. One case also runs as a
// child process, for the exit code and output a shell sees.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStreamline } from '../../../src/cli/program.js';
import { closedPort, runCli, type CliRun } from '../../../harness/cli.js';

/** Runs a command line in this process, collecting what the CLI writes about errors. */
async function streamline(args: readonly string[]): Promise<CliRun> {
  let stderr = '';
  const code = await runStreamline(['node', 'streamline', ...args], { stdout: () => undefined, stderr: (text) => void (stderr += text) });
  return { code, stdout: '', stderr };
}

/** State dir and service addresses of a machine where nothing runs, as a config file and as env. */
async function nothingRunning(options: { recordedSession?: boolean; external?: boolean } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamline-missing-'));
  const [kafka, spark, mongo] = await Promise.all([closedPort(), closedPort(), closedPort()]);
  if (options.recordedSession) {
    // What `stream start --detach` leaves behind; the Spark Connect server has gone since.
    mkdirSync(join(stateDir, 'run'), { recursive: true });
    const session = { sessionId: '00000000-0000-4000-8000-000000000000', remote: `sc://127.0.0.1:${spark}`, startedAt: new Date().toISOString(), queries: [] };
    writeFileSync(join(stateDir, 'run', 'stream.json'), JSON.stringify(session));
  }
  const config = options.external
    ? { kafka: { bootstrapServers: `127.0.0.1:${kafka}` }, spark: { remote: `sc://127.0.0.1:${spark}` }, mongo: { uri: `mongodb://127.0.0.1:${mongo}` } }
    : { kafka: { port: kafka }, spark: { port: spark }, mongo: { port: mongo } };
  const configFile = join(stateDir, 'streamline.config.json');
  writeFileSync(configFile, JSON.stringify({ stateDir, ...config }));
  const env = { STREAMLINE_STATE_DIR: stateDir, STREAMLINE_KAFKA_PORT: String(kafka), STREAMLINE_SPARK_PORT: String(spark), STREAMLINE_MONGO_PORT: String(mongo) };
  return { args: ['--config', configFile, '--state-dir', stateDir], env, kafka, spark, mongo };
}

function expectClearFailure(run: CliRun, message: RegExp, hint: RegExp): void {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(hint);
  expect(run.stderr).not.toMatch(/ECONNREFUSED|failed \d+ times|^\s+at /m);
}

const LOCAL_HINT = /hint: start the local services with `streamline up`/;
const TIMEOUT = 60_000;

describe.concurrent('a command that needs a service that does not run', () => {
  it(
    'produce without Kafka names Kafka, its address and `streamline up`',
    async () => {
      const { args, kafka } = await nothingRunning();
      const run = await streamline(['produce', '--count', '1', ...args]);
      expectClearFailure(run, new RegExp(`error: Kafka is not reachable at 127\\.0\\.0\\.1:${kafka}\\n`), LOCAL_HINT);
      expect(run.stderr).toMatch(/kafka\.bootstrapServers \(env STREAMLINE_KAFKA_BOOTSTRAP_SERVERS\)/);
    },
    TIMEOUT,
  );

  it(
    'produce --kafka with a broker that does not answer names the setting to correct',
    async () => {
      const { args, kafka } = await nothingRunning();
      const run = await streamline(['produce', '--count', '1', '--kafka', `127.0.0.1:${kafka}`, ...args]);
      expectClearFailure(run, new RegExp(`Kafka is not reachable at 127\\.0\\.0\\.1:${kafka}`), /hint: check that Kafka runs there, or correct kafka\.bootstrapServers/);
    },
    TIMEOUT,
  );

  it(
    'stream status without MongoDB names MongoDB and its address',
    async () => {
      const { args, mongo } = await nothingRunning();
      const run = await streamline(['stream', 'status', ...args]);
      expectClearFailure(run, new RegExp(`error: MongoDB is not reachable at mongodb://127\\.0\\.0\\.1:${mongo}\\n`), LOCAL_HINT);
    },
    TIMEOUT,
  );

  it.each([['status'], ['stop']])(
    'stream %s with a recorded session but no Spark Connect names Spark Connect and its address',
    async (command) => {
      const { args, spark } = await nothingRunning({ recordedSession: true });
      const run = await streamline(['stream', command as string, ...args]);
      expectClearFailure(run, new RegExp(`error: Spark Connect is not reachable at sc://127\\.0\\.0\\.1:${spark}\\n`), LOCAL_HINT);
    },
    TIMEOUT,
  );

  it(
    'stream start without Kafka names Kafka before touching anything else',
    async () => {
      const { args, kafka } = await nothingRunning();
      const run = await streamline(['stream', 'start', ...args]);
      expectClearFailure(run, new RegExp(`error: Kafka is not reachable at 127\\.0\\.0\\.1:${kafka}\\n`), LOCAL_HINT);
    },
    TIMEOUT,
  );

  it(
    'demo against external services that do not answer names the first one and its setting',
    async () => {
      const { args, kafka } = await nothingRunning({ external: true });
      const run = await streamline(['demo', '--count', '1', ...args]);
      expectClearFailure(run, new RegExp(`error: Kafka is not reachable at 127\\.0\\.0\\.1:${kafka}\\n`), /correct kafka\.bootstrapServers \(env STREAMLINE_KAFKA_BOOTSTRAP_SERVERS\)/);
    },
    TIMEOUT,
  );
});

describe('odd inputs', () => {
  it('api on a port that is taken names the port and how to choose another', async () => {
    const holder = createServer();
    await new Promise<void>((listening) => holder.listen(0, '127.0.0.1', listening));
    const { port } = holder.address() as { port: number };
    try {
      const run = await streamline(['api', '--port', String(port)]);
      expectClearFailure(run, new RegExp(`error: port ${port} on 127\\.0\\.0\\.1 is already in use\\n`), /hint: .*--port \(config api\.port, env STREAMLINE_API_PORT\)/);
    } finally {
      holder.close();
    }
  });
});

describe.concurrent('intervals', () => {
  it.each([['produce'], ['demo']])(
    '%s accepts --interval 0ms..0ms (no gap at all)',
    async (command) => {
      const run = await streamline([command as string, '--interval', '0ms..0ms', '--print-config']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
    },
    TIMEOUT,
  );

  it.each([['produce'], ['demo']])(
    '%s refuses a backwards interval with a usage error naming the flag',
    async (command) => {
      const run = await streamline([command as string, '--interval', '2s..1s', '--print-config']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--interval: expected a range min\.\.max like 50\.\.150ms or 1s\.\.3s \(min <= max\), got "2s\.\.1s"/);
    },
    TIMEOUT,
  );
});

describe('from a shell', () => {
  it(
    '`streamline produce` without Kafka: exit code 1, the message and the hint on stderr, nothing else',
    async () => {
      const { env, kafka } = await nothingRunning();
      const run = await runCli(['produce', '--count', '1'], env, 120_000);
      expectClearFailure(run, new RegExp(`^error: Kafka is not reachable at 127\\.0\\.0\\.1:${kafka}\\n`), LOCAL_HINT);
      expect(run.stderr.trim().split('\n')).toHaveLength(2);
    },
    150_000, // starting the CLI (tsx) takes a while on a busy machine
  );
});
