// Issue 13: Kafka SASL/SCRAM end to end on a broker of this test's own (the Compose listener layout in
// miniature): a SASL_PLAINTEXT client listener, a plaintext replication listener, and SCRAM users added
// at format time (`kafka-storage format --add-scram`). `streamline produce` (admin + producer, configured
// only through kafka.sasl from env) is accepted with the credentials and refused without or with a wrong
// password; the password is in no output.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToCompletion } from '../../../src/runtime/exec.js';
import { probeKafka } from '../../../src/runtime/probes.js';
import { runCli } from '../../../harness/cli.js';
import { blockPort } from '../../../harness/ports.js';
import { eventually } from '../../../harness/poll.js';

const ports = { client: blockPort('kafka-sasl', 'kafka'), controller: blockPort('kafka-sasl', 'kafkaController'), replication: blockPort('kafka-sasl', 'kafka') + 2 };
const host = '127.0.0.1';
const libs = join(process.env.STREAMLINE_STATE_DIR ?? resolve(import.meta.dirname, '..', '..', '..', '.streamline'), 'kafka', 'libs');
const dir = mkdtempSync(join(tmpdir(), 'streamline-sasl-'));
const password = `scram-${randomBytes(9).toString('hex')}`;
const sasl = { mechanism: 'SCRAM-SHA-512' as const, username: 'app', password };
let broker: ChildProcess | undefined;

const JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
const properties = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': `1@${host}:${ports.controller}`,
  listeners: `CLIENT://${host}:${ports.client},CONTROLLER://${host}:${ports.controller},REPLICATION://${host}:${ports.replication}`,
  'advertised.listeners': `CLIENT://${host}:${ports.client},REPLICATION://${host}:${ports.replication}`,
  'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,REPLICATION:PLAINTEXT',
  'controller.listener.names': 'CONTROLLER',
  'inter.broker.listener.name': 'REPLICATION',
  'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'listener.name.client.scram-sha-512.sasl.jaas.config': JAAS,
  'log.dirs': join(dir, 'data'),
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'auto.create.topics.enable': 'false',
  'group.initial.rebalance.delay.ms': '0',
};

beforeAll(async () => {
  mkdirSync(join(dir, 'data'));
  const props = join(dir, 'server.properties');
  writeFileSync(props, Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const log = join(dir, 'kafka.log');
  await runToCompletion(
    'java',
    ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${randomBytes(16).toString('base64url').replace(/^-/, 'A')}`, `--config=${props}`, '--add-scram', `SCRAM-SHA-512=[name=${sasl.username},password=${password}]`],
    { what: 'format the SASL test broker', logFile: log },
  );
  broker = spawn('java', ['-Xmx384m', '-cp', `${libs}/*`, 'kafka.Kafka', props], { cwd: dir, stdio: 'ignore' });
  await eventually(() => probeKafka(`${host}:${ports.client}`, 3_000, undefined, sasl).then(() => true), { timeoutMs: 120_000, intervalMs: 1_000, what: `the SASL test broker on ${host}:${ports.client}` });
}, 180_000);

afterAll(async () => {
  if (!broker || broker.exitCode !== null) return;
  const exited = new Promise((r) => broker?.once('exit', r));
  broker.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (broker.exitCode === null) broker.kill('SIGKILL');
});

const produce = (env: Record<string, string>) =>
  runCli(['produce', '--count', '20', '--topics', 'users.profile'], {
    STREAMLINE_STATE_DIR: join(dir, 'cli-state'),
    STREAMLINE_KAFKA_BOOTSTRAP_SERVERS: `${host}:${ports.client}`,
    STREAMLINE_KAFKA_REPLICATION_FACTOR: '1',
    STREAMLINE_KAFKA_MIN_INSYNC_REPLICAS: '1',
    ...env,
  }, 120_000);

describe('Kafka SASL/SCRAM-SHA-512 end to end (issue 13)', () => {
  it('the producer is accepted with the credentials, refused without them or with a wrong password', async () => {
    const ok = await produce({ STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', STREAMLINE_KAFKA_SASL_USERNAME: 'app', STREAMLINE_KAFKA_SASL_PASSWORD: password });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/20/);

    const wrong = await produce({ STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', STREAMLINE_KAFKA_SASL_USERNAME: 'app', STREAMLINE_KAFKA_SASL_PASSWORD: `${password}x` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the SASL login of principal app (SCRAM-SHA-512)');

    const without = await produce({});
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('if the brokers require SASL, set kafka.sasl');

    for (const run of [ok, wrong, without]) expect(run.stdout + run.stderr).not.toContain(password);
  });
});
