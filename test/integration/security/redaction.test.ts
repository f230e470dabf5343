// Issue 13: credentials (MongoDB URI password, Kafka SASL password, dashboard token, PII salt) never appear
// in what the CLI prints: --print-config, progress lines, errors (also the drivers' errors, and stack
// traces with STREAMLINE_DEBUG), and not in the logs of the services it talked to. Real values are set
// through env and through files, the commands run as a user runs them, and everything they wrote is grepped.
// Issue 22 adds the Spark Connect `;token=` form, the state files (run/stream.json, every file of the run's
// state dir) and the dashboard's JSON (/api/snapshot, /api/history, /metrics) to what is grepped.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort, runCli, type CliRun } from '../../../harness/cli.js';
import { testServices, uniqueName } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';
import { spawnCli } from '../../../harness/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-redaction-'));
const stamp = Date.now().toString(36);
const secrets = {
  mongo: `mongo-pw-${stamp}-Xq7`,
  sasl: `sasl-pw-${stamp}-Kp3`,
  token: `dash-token-${stamp}-Zr9`,
  salt: `pii-salt-${stamp}-Wm2`,
  saslFromFile: `sasl-file-pw-${stamp}-Hd5`,
  tokenFromFile: `dash-file-token-${stamp}-Jc8`,
  sparkToken: `spark-token-${stamp}-Vb4`,
};
/** What the dashboard served (JSON and metrics), grepped with the rest. */
const served: string[] = [];
/** run/stream.json while the pipeline ran (`stream stop` removes it), grepped with the state dir's files. */
const sessionFiles: string[] = [];

/** Every file under `root`, recursively (state dirs: run records, logs, checkpoints). */
function filesUnder(root: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const runs: Array<{ args: string[]; run: CliRun }> = [];


async function cli(args: string[], env: Record<string, string>, expectCode?: number): Promise<CliRun> {
  const t0 = Date.now();
  const run = await runCli(args, { STREAMLINE_STATE_DIR: join(dir, 'state'), ...env }, 90_000);
  runs.push({ args, run });
  process.stdout.write(`[redaction] ${args.join(' ')}: exit ${run.code} in ${Date.now() - t0} ms\n`);
  if (expectCode !== undefined) expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(expectCode);
  return run;
}

/** Every secret, also in the shapes a driver may print (percent-encoded, base64). */
const shapes = (value: string) => [value, encodeURIComponent(value), Buffer.from(value).toString('base64')];
const leaks = (text: string) => Object.values(secrets).flatMap(shapes).filter((s) => text.includes(s));

describe('credentials are redacted in CLI output, errors and service logs (issue 13)', () => {
  it('env: --print-config of every command, failing connections, driver errors, debug stack traces', async () => {
    const kafka = testServices().kafkaBootstrap;
    const mongoDown = await closedPort();
    const env = {
      STREAMLINE_MONGO_URI: `mongodb://app:${secrets.mongo}@127.0.0.1:${mongoDown}/?authSource=admin&serverSelectionTimeoutMS=1500`,
      STREAMLINE_KAFKA_BOOTSTRAP_SERVERS: kafka,
      STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      STREAMLINE_KAFKA_SASL_USERNAME: 'app',
      STREAMLINE_KAFKA_SASL_PASSWORD: secrets.sasl,
      STREAMLINE_DASHBOARD_TOKEN: secrets.token,
      STREAMLINE_PII_SALT: secrets.salt,
    };
    for (const command of [['produce'], ['dashboard'], ['setup-store']]) {
      const run = await cli([...command, '--print-config'], env, 0);
      expect(run.stdout, command.join(' ')).toContain('"password": "***"');
      expect(run.stdout, command.join(' ')).toContain(`mongodb://app:***@127.0.0.1:${mongoDown}/`);
    }
    // The Kafka here has no SASL listener and Mongo is not there: each command fails naming the service.
    const ping = await cli(['ping', 'mongo', 'kafka', '--timeout', '3s'], env, 1);
    expect(ping.stderr).toMatch(/mongo at mongodb:\/\/app:\*\*\*@127\.0\.0\.1/);
    await cli(['setup-store'], env, 1);
    await cli(['produce', '--count', '1'], { ...env, STREAMLINE_DEBUG: '1' }, 1);
    await cli(['stream', 'status'], { ...env, STREAMLINE_DEBUG: '1' });
    // The driver parses the URI itself and reports what it dislikes.
    const badUri = await cli(['ping', 'mongo'], { ...env, STREAMLINE_MONGO_URI: `mongodb://app:${secrets.mongo}@127.0.0.1:${mongoDown}/?authMechanism=NOPE`, STREAMLINE_DEBUG: '1' }, 1);
    expect(badUri.stderr).toContain('NOPE');
    const srv = await cli(['ping', 'mongo', '--timeout', '3s'], { ...env, STREAMLINE_MONGO_URI: `mongodb+srv://app:${secrets.mongo}@no-such-host.invalid/` }, 1);
    expect(srv.stderr).toContain('no-such-host.invalid');
    // An invalid value: the config error quotes the value, without its password.
    const invalid = await cli(['produce', '--print-config'], { ...env, STREAMLINE_MONGO_URI: `mongo://app:${secrets.mongo}@x` }, 2);
    expect(invalid.stderr).toMatch(/mongo\.uri .*got "mongo:\/\/app:\*\*\*@x"/);
  });

  it('files: kafka.sasl.passwordFile and dashboard.tokenFile; a password in the config file is refused', async () => {
    const passwordFile = join(dir, 'kafka-password');
    const tokenFile = join(dir, 'dashboard-token');
    writeFileSync(passwordFile, `${secrets.saslFromFile}\n`, { mode: 0o600 });
    writeFileSync(tokenFile, `${secrets.tokenFromFile}\n`, { mode: 0o600 });
    const configFile = join(dir, 'streamline.config.json');
    writeFileSync(configFile, JSON.stringify({ kafka: { bootstrapServers: testServices().kafkaBootstrap, sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', passwordFile } }, dashboard: { tokenFile } }));
    const printed = await cli(['dashboard', '--config', configFile, '--print-config'], {}, 0);
    expect(printed.stdout).toContain(passwordFile);
    await cli(['produce', '--config', configFile, '--count', '1'], { STREAMLINE_DEBUG: '1' }, 1);
    await cli(['topics', 'check', '--config', configFile], {});

    const unsafe = join(dir, 'unsafe.config.json');
    writeFileSync(unsafe, JSON.stringify({ kafka: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', password: secrets.saslFromFile } } }));
    const refused = await cli(['produce', '--config', unsafe, '--print-config'], {}, 2);
    expect(refused.stderr).toMatch(/kafka\.sasl\.password .*STREAMLINE_KAFKA_SASL_PASSWORD/);
  });

  it('sc:// ;token=: stream start/status/stop, the state file and the dashboard JSON', async () => {
    const services = testServices();
    const env = {
      STREAMLINE_SPARK_REMOTE: `${services.sparkRemote}/;use_ssl=false;token=${secrets.sparkToken}`,
      STREAMLINE_KAFKA_BOOTSTRAP_SERVERS: services.kafkaBootstrap,
      STREAMLINE_MONGO_URI: services.mongoUri,
      STREAMLINE_MONGO_DATABASE: uniqueName('redaction'),
      STREAMLINE_TOPICS: 'users.account',
      STREAMLINE_DASHBOARD_TOKEN: secrets.token,
      STREAMLINE_PII_SALT: secrets.salt,
    };
    const printed = await cli(['stream', 'start', '--print-config'], env, 0);
    expect(printed.stdout).toContain(';token=***');
    // The local Spark Connect server has no authentication: it ignores the bearer token the client sends.
    const started = await cli(['stream', 'start', '--detach'], env, 0);
    expect(started.stdout).toContain(';token=***');
    const session = readFileSync(join(dir, 'state', 'run', 'stream.json'), 'utf8');
    expect(session).toContain(';token=***');
    sessionFiles.push(session);
    await cli(['stream', 'status'], env, 0);
    // A malformed remote: the URL error names it, without the token.
    const bad = await cli(['stream', 'status'], { ...env, STREAMLINE_SPARK_REMOTE: `sc://127.0.0.1:99999/;token=${secrets.sparkToken}` });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(';token=***');

    // The dashboard (run as a user runs it) with every credential form in its environment: what it serves.
    // Its Spark Connect is away (a closed port), so the queries section carries an error naming the remote.
    const port = await closedPort();
    const sparkAway = `sc://127.0.0.1:${await closedPort()}/;use_ssl=false;token=${secrets.sparkToken}`;
    const child = spawnCli(['dashboard', '--port', String(port), '--refresh', '500ms'], {
      env: { ...process.env, NO_COLOR: '1', STREAMLINE_STATE_DIR: join(dir, 'state'), ...env, STREAMLINE_SPARK_REMOTE: sparkAway, STREAMLINE_MONGO_URI: `${services.mongoUri.replace('mongodb://', `mongodb://app:${secrets.mongo}@`)}/?serverSelectionTimeoutMS=1500` },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    try {
      const auth = { authorization: `Bearer ${secrets.token}` };
      await eventually(async () => {
        // The unreachable server is named in each expected query's last error (not active, never stale rows).
        const snapshot = (await (await fetch(`http://127.0.0.1:${port}/api/snapshot`, { headers: auth })).json()) as { queries?: { error?: string; value?: { lastError?: string }[] } };
        const said = [snapshot.queries?.error, ...(snapshot.queries?.value ?? []).map((q) => q.lastError)];
        return said.some((s) => s?.includes('Spark Connect is not reachable at'));
      }, { what: 'the dashboard to report Spark Connect unreachable', timeoutMs: 90_000, intervalMs: 500 });
      for (const path of ['api/snapshot', 'api/history', 'metrics']) served.push(await (await fetch(`http://127.0.0.1:${port}/${path}`, { headers: auth })).text());
      expect(served.join('\n')).toContain(';token=***');
    } finally {
      child.kill('SIGINT');
      await new Promise((done) => child.once('close', done));
      runs.push({ args: ['dashboard'], run: { code: 0, stdout: output, stderr: '' } });
    }
    await cli(['stream', 'stop'], env, 0);
  });

  it('nothing printed, served or kept in a state file, and no service log holds a credential', () => {
    expect(runs.length).toBeGreaterThanOrEqual(18);
    const found = runs.flatMap(({ args, run }) => leaks(run.stdout + run.stderr).map((s) => `${args.join(' ')}: ${s}`));
    expect(found).toEqual([]);
    expect(served.length).toBe(3);
    expect(served.flatMap(leaks)).toEqual([]);
    expect(sessionFiles.length).toBe(1);
    expect(sessionFiles.flatMap(leaks)).toEqual([]);
    // Every file the runs left in their state dir: pid records, logs, checkpoints.
    const stateFiles = filesUnder(join(dir, 'state'));
    process.stdout.write(`[redaction] state files: ${stateFiles.map((f) => f.slice(dir.length)).join(', ')}\n`);
    expect(stateFiles.length).toBeGreaterThan(0);
    expect(stateFiles.flatMap((f) => leaks(readFileSync(f, 'latin1')).map((s) => `${f}: ${s}`))).toEqual([]);
    // The services these commands talked to (the shared Kafka) and any log of the command's own state dir.
    const logDirs = [join(testServices().stateDir, 'logs'), join(dir, 'state', 'logs')];
    const logLeaks: string[] = [];
    let files = 0;
    for (const logDir of logDirs) {
      let names: string[] = [];
      try {
        names = readdirSync(logDir);
      } catch {
        continue;
      }
      for (const name of names) {
        files += 1;
        for (const s of leaks(readFileSync(join(logDir, name), 'latin1'))) logLeaks.push(`${logDir}/${name}: ${s}`);
      }
    }
    expect(files).toBeGreaterThan(0);
    expect(logLeaks).toEqual([]);
  });
});
