// Issue 13: credentials (MongoDB URI password, Kafka SASL password, dashboard token, PII salt) never appear
// in what the CLI prints: --print-config, progress lines, errors (also the drivers' errors, and stack
// traces with STREAMLINE_DEBUG), and not in the logs of the services it talked to. Real values are set
// through env and through files, the commands run as a user runs them, and everything they wrote is grepped.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort, runCli, type CliRun } from '../../support/cli.js';
import { testServices } from '../../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-redaction-'));
const stamp = Date.now().toString(36);
const secrets = {
  mongo: `mongo-pw-${stamp}-Xq7`,
  sasl: `sasl-pw-${stamp}-Kp3`,
  token: `dash-token-${stamp}-Zr9`,
  salt: `pii-salt-${stamp}-Wm2`,
  saslFromFile: `sasl-file-pw-${stamp}-Hd5`,
  tokenFromFile: `dash-file-token-${stamp}-Jc8`,
};
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
    const ping = await cli(['ping', 'mongo', 'kafka', '--timeout', '3000'], env, 1);
    expect(ping.stderr).toMatch(/mongo at mongodb:\/\/app:\*\*\*@127\.0\.0\.1/);
    await cli(['setup-store'], env, 1);
    await cli(['produce', '--count', '1'], { ...env, STREAMLINE_DEBUG: '1' }, 1);
    await cli(['stream', 'status'], { ...env, STREAMLINE_DEBUG: '1' });
    // The driver parses the URI itself and reports what it dislikes.
    const badUri = await cli(['ping', 'mongo'], { ...env, STREAMLINE_MONGO_URI: `mongodb://app:${secrets.mongo}@127.0.0.1:${mongoDown}/?authMechanism=NOPE`, STREAMLINE_DEBUG: '1' }, 1);
    expect(badUri.stderr).toContain('NOPE');
    const srv = await cli(['ping', 'mongo', '--timeout', '3000'], { ...env, STREAMLINE_MONGO_URI: `mongodb+srv://app:${secrets.mongo}@no-such-host.invalid/` }, 1);
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

  it('nothing printed and no service log holds a credential', () => {
    expect(runs.length).toBeGreaterThanOrEqual(12);
    const found = runs.flatMap(({ args, run }) => leaks(run.stdout + run.stderr).map((s) => `${args.join(' ')}: ${s}`));
    expect(found).toEqual([]);
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
