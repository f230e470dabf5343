// Acceptance of issue 9, the live part: Airflow 3 running for real (API server, scheduler and DAG
// processor as separate processes, like a deployment), the DAG triggered through the public REST API
// (/api/v2, JWT from the simple auth manager) with params, the run polled to `success`, then the
// records counted in Kafka.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eventually } from '../../harness/poll.js';
import { airflowTier, readCounts, uniquePrefix } from './support.js';

const COMPONENTS = [['api-server'], ['scheduler'], ['dag-processor']];
const children: ChildProcess[] = [];

async function stopAll(): Promise<void> {
  // Each component runs in its own process group (it forks workers): signal the group we created.
  const exits = children.map((child) => new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(undefined) : child.once('exit', done))));
  for (const child of children) if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  const stopped = await Promise.race([Promise.all(exits).then(() => true), new Promise((done) => setTimeout(() => done(false), 30_000))]);
  if (!stopped) for (const child of children) if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}
afterAll(stopAll, 60_000);

function startAirflow(logDir: string, env: Record<string, string>): void {
  const tier = airflowTier();
  mkdirSync(logDir, { recursive: true });
  for (const args of COMPONENTS) {
    const log = openSync(join(logDir, `${args[0]}.log`), 'w');
    children.push(spawn(tier.airflow, args, { env: { ...process.env, ...tier.env, ...env }, stdio: ['ignore', log, log], detached: true }));
  }
}

it('a live Airflow: trigger through the REST API with params, the run succeeds, Kafka holds the records', async () => {
  const tier = airflowTier();
  const base = `http://127.0.0.1:${tier.apiServerPort}`;
  const logDir = join(tier.env.AIRFLOW_HOME as string, 'live-test-logs');
  const password = randomBytes(12).toString('hex');
  const passwordsFile = join(tier.env.AIRFLOW_HOME as string, 'live-test-passwords.json');
  writeFileSync(passwordsFile, JSON.stringify({ streamline: password }), { mode: 0o600 });
  startAirflow(logDir, {
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(tier.apiServerPort),
    AIRFLOW__API__BASE_URL: base,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${base}/execution/`,
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(tier.logServerPort),
    AIRFLOW__API_AUTH__JWT_SECRET: randomBytes(24).toString('hex'),
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'streamline:admin',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: passwordsFile,
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'False',
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'False',
  });
  const logs = () => COMPONENTS.map(([name]) => `--- ${name}\n${readFileSync(join(logDir, `${name}.log`), 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');

  await eventually(async () => (await fetch(`${base}/api/v2/monitor/health`)).ok, { timeoutMs: 180_000, intervalMs: 1_000, what: `the API server on ${base}` }).catch((e) => {
    throw new Error(`${(e as Error).message}\n${logs()}`);
  });
  const tokenResponse = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'streamline', password }) });
  expect(tokenResponse.status, await tokenResponse.clone().text()).toBeLessThan(300);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v2${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  await eventually(async () => (await api('/dags/stream_to_kafka')).ok, { timeoutMs: 180_000, intervalMs: 1_000, what: 'the DAG processor to register stream_to_kafka' }).catch((e) => {
    throw new Error(`${(e as Error).message}\n${logs()}`);
  });
  expect((await api('/dags/stream_to_kafka', { method: 'PATCH', body: JSON.stringify({ is_paused: false }) })).status).toBe(200);

  const prefix = uniquePrefix('aflive');
  const conf = { count: 200, seed: 'live', topic_prefix: prefix, kafka_bootstrap: tier.kafkaBootstrap, pii: 'mask' };
  const triggered = await api('/dags/stream_to_kafka/dagRuns', { method: 'POST', body: JSON.stringify({ logical_date: null, conf }) });
  expect(triggered.status, await triggered.clone().text()).toBe(200);
  const { dag_run_id: runId } = (await triggered.json()) as { dag_run_id: string };

  const finalState = await eventually(
    async () => {
      const run = (await (await api(`/dags/stream_to_kafka/dagRuns/${encodeURIComponent(runId)}`)).json()) as { state: string };
      return ['success', 'failed'].includes(run.state) ? run.state : undefined;
    },
    { timeoutMs: 240_000, intervalMs: 2_000, what: `run ${runId} to finish` },
  );
  if (finalState !== 'success') {
    const tasks = await (await api(`/dags/stream_to_kafka/dagRuns/${encodeURIComponent(runId)}/taskInstances`)).text();
    throw new Error(`run ${runId} ended ${finalState}; task instances: ${tasks}\n${logs()}`);
  }
  const topics = ['users.profile', 'users.location', 'users.contact', 'users.account'].map((t) => `${prefix}${t}`);
  const counts = await readCounts(topics);
  for (const topic of topics) expect(counts.get(topic), topic).toEqual({ inLog: 200, read: 200, keys: 200 });
});
