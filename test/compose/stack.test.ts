// The Docker deployment built and run for real: deploy/compose.yaml with deploy/compose.test.yaml (our
// FerretDB for mongo, no Kafka UI), driven only through the stack's own services. The quick variant (in
// `npm test`): topics and collections by streamline-setup, 500 users by streamline-producer, landed
// exactly once by streamline-stream; a broken image build, a wrong broker name and a topic outside the
// app user's ACLs fail loudly; `down -v` leaves nothing. `npm run test:compose` adds the fault list: a broker killed mid-run, a broker cut off
// the network for 60 s, three Spark workers, and the Airflow profile (its DAG triggered through the REST API).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTERS } from '../../src/sink/index.js';
import { baseImageTag, composeBinary } from '../../scripts/docker.js';
import { parseEnvFile } from '../support/compose-stack.js';
import { collectionCounts, compose, docker, leftovers, run, type Stack } from '../support/docker-stack.js';
import { eventually } from '../../harness/poll.js';

const root = resolve(import.meta.dirname, '..', '..');
const stack: Stack = inject('composeStack');
const full = inject('composeFull');
const TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'];
const COLLECTIONS = TOPICS.map((topic) => topic.replace(/[^A-Za-z0-9_]/g, '_'));
const USERS = 500;

const scratch = mkdtempSync(join(tmpdir(), 'streamline-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `produce --count n` through the stack's producer service (its image, settings and network). */
async function produce(count: number, seed: string, options: string[] = []) {
  return compose(stack, ['run', '--rm', '--no-deps', 'streamline-producer', 'produce', '--count', String(count), '--seed', seed, ...options], { timeoutMs: 600_000, allowFailure: true });
}

/** Waits until every pipeline collection holds `expected` documents and dead_letters none; more is a failure at once. */
async function landsExactly(expected: number, timeoutMs = 480_000) {
  let last: Record<string, number> = {};
  await eventually(
    async () => {
      last = await collectionCounts(stack);
      const over = COLLECTIONS.filter((c) => (last[c] ?? 0) > expected);
      if (over.length) throw new Error(`more than ${expected} documents (duplicates): ${JSON.stringify(last)}`);
      return COLLECTIONS.every((c) => last[c] === expected);
    },
    { timeoutMs, intervalMs: 3000, what: `${expected} documents in each of ${COLLECTIONS.join(', ')} (last ${JSON.stringify(last)})` },
  );
  expect(last[DEAD_LETTERS] ?? 0).toBe(0);
}

const producedAll = (stdout: string, count: number) => {
  for (const topic of TOPICS) expect(stdout).toMatch(new RegExp(`^${topic.replace('.', '\\.')}\\s+${count}\\s+0\\s`, 'm'));
  expect(stdout).toContain('count reached');
};

describe('the Docker deployment (deploy/compose.yaml)', () => {
  it('a Dockerfile whose COPY source is missing fails the build, naming the file (nothing is pulled)', async () => {
    const dockerfile = readFileSync(join(root, 'deploy', 'jvm', 'Dockerfile'), 'utf8');
    const broken = dockerfile.replace('COPY deploy/jvm/kafka-start.sh ', 'COPY deploy/jvm/kafka-start-missing.sh ');
    expect(broken).not.toBe(dockerfile);
    const file = join(scratch, 'Dockerfile.broken');
    writeFileSync(file, broken);
    writeFileSync(
      join(scratch, 'compose.yaml'),
      `services:\n  broken:\n    image: streamline-broken:test\n    pull_policy: never\n    build:\n      context: ${root}\n      dockerfile: ${file}\n      target: kafka\n      args: { BASE_IMAGE: ${baseImageTag()} }\n`,
    );
    const result = await run(composeBinary, ['-p', `${stack.project}-broken`, '-f', join(scratch, 'compose.yaml'), 'build', '--progress', 'plain'], { timeoutMs: 600_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/deploy\/jvm\/kafka-start-missing\.sh[^\n]*not found/);
    expect((await docker(['image', 'inspect', 'streamline-broken:test'], { allowFailure: true })).code).not.toBe(0);
  });

  it('comes up through its own services: streamline-setup creates the topics and collections', async () => {
    // Everything streamline-stream needs, and no producer yet: the test produces with a count.
    await compose(stack, ['up', '-d', '--wait', '--wait-timeout', '900', 'streamline-stream', 'streamline-api'], { timeoutMs: 960_000, echo: 'compose up' });
    const setup = await compose(stack, ['logs', '--no-color', '--no-log-prefix', 'streamline-setup']);
    expect(setup.stdout).toContain(`created topics: ${TOPICS.join(', ')}`);
    expect(setup.stdout).toMatch(new RegExp(`created collections: ${COLLECTIONS.join(', ')}, ${DEAD_LETTERS}`));
    const state = await compose(stack, ['ps', '--all', '--format', '{{.Service}} {{.State}} {{.ExitCode}}']);
    expect(state.stdout).toMatch(/^streamline-setup exited 0$/m);
    expect(state.stdout).toMatch(/^kafka-scram-init exited 0$/m);
  });

  it(`${USERS} users from streamline-producer (--count) land exactly once through streamline-stream`, async () => {
    const result = await produce(USERS, 'compose-quick');
    expect(result.code, result.stderr).toBe(0);
    producedAll(result.stdout, USERS);
    await landsExactly(USERS);
  });

  it('a producer pointed at a broker name that does not exist fails, naming it', async () => {
    const result = await compose(
      stack,
      ['run', '--rm', '--no-deps', '-e', 'STREAMLINE_KAFKA_BOOTSTRAP_SERVERS=kafka-nowhere:19092', 'streamline-producer', 'produce', '--count', '5', '--delivery-timeout', '5s'],
      { timeoutMs: 180_000, allowFailure: true },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain('kafka-nowhere:19092');
  });

  it('the app user may use only its own topics (Kafka ACLs): another topic is refused, naming it', async () => {
    const result = await compose(
      stack,
      ['run', '--rm', '--no-deps', 'streamline-producer', 'produce', '--count', '5', '--topics', 'users.profile', '--publish-as', 'users.profile=intruder.profile', '--delivery-timeout', '5s'],
      { timeoutMs: 180_000, allowFailure: true },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/intruder\.profile.*Topic authorization failed/);
  });

  describe.runIf(full)('the fault list (npm run test:compose)', () => {
    let landed = USERS;

    it('a broker container killed (docker kill) mid-run and started again: exact', async () => {
      // Paced (about 50 s of producing), so that the kill lands while records are still being produced.
      const producing = produce(USERS, 'compose-kill', ['--rate', '10']);
      const [kafka2] = (await compose(stack, ['ps', '-q', 'kafka-2'])).stdout.trim().split('\n');
      // Mid-run: once the first records of this run reached the store.
      await eventually(async () => ((await collectionCounts(stack))[COLLECTIONS[0]!] ?? 0) > landed, { timeoutMs: 300_000, intervalMs: 1000, what: 'the run to start landing' });
      await docker(['kill', kafka2!]);
      const result = await producing;
      expect(result.code, result.stderr).toBe(0);
      producedAll(result.stdout, USERS);
      await compose(stack, ['start', 'kafka-2']);
      await compose(stack, ['up', '-d', '--wait', '--wait-timeout', '300', '--no-recreate', 'kafka-2'], { timeoutMs: 360_000 });
      landed += USERS;
      await landsExactly(landed);
    });

    it('a broker disconnected from the stack network for 60 s: exact', async () => {
      const [kafka3] = (await compose(stack, ['ps', '-q', 'kafka-3'])).stdout.trim().split('\n');
      // Off both of the stack's networks: clients and the other brokers lose it alike.
      const networks = [`${stack.project}_default`, `${stack.project}_kafka-replication`];
      for (const network of networks) await docker(['network', 'disconnect', network, kafka3!]);
      const disconnectedAt = Date.now();
      try {
        // Paced over most of the 60 s, so that records keep coming while the broker is away.
        const result = await produce(USERS, 'compose-partition', ['--rate', '10']);
        expect(result.code, result.stderr).toBe(0);
        producedAll(result.stdout, USERS);
        // The 60 s are the scenario, not a synchronisation: the broker stays cut off that long.
        await eventually(() => Date.now() - disconnectedAt >= 60_000, { timeoutMs: 120_000, intervalMs: 1000, what: '60 s of partition' });
      } finally {
        await docker(['network', 'connect', '--alias', 'kafka-3', networks[0]!, kafka3!]);
        await docker(['network', 'connect', '--alias', 'kafka-3-replication', networks[1]!, kafka3!]);
      }
      landed += USERS;
      await landsExactly(landed);
    });

    it('--scale spark-worker=3: three ALIVE workers, each running an executor', async () => {
      await compose(stack, ['up', '-d', '--wait', '--wait-timeout', '600', '--no-recreate', '--scale', 'spark-worker=3', 'spark-worker'], { timeoutMs: 660_000 });
      const masterState = async () => {
        const http = await compose(stack, ['exec', '-T', 'spark-master', 'bash', '-c', "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /json/ HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"]);
        return JSON.parse(http.stdout.slice(http.stdout.indexOf('{'))) as { workers: { state: string; coresused: number }[] };
      };
      const state = await eventually(
        async () => {
          const s = await masterState();
          const alive = s.workers.filter((w) => w.state === 'ALIVE');
          return alive.length === 3 && alive.every((w) => w.coresused > 0) ? s : undefined;
        },
        { timeoutMs: 300_000, intervalMs: 3000, what: '3 ALIVE workers with executors' },
      );
      expect(state.workers.filter((w) => w.state === 'ALIVE')).toHaveLength(3);
    });

    it('the airflow profile: stream_to_kafka triggered through the REST API succeeds and its records land exactly', async () => {
      const DAG_USERS = 100;
      await compose(stack, ['up', '-d', '--wait', '--wait-timeout', '600', 'airflow-scheduler', 'airflow-dag-processor'], { timeoutMs: 660_000, echo: 'compose up airflow' });
      const env = Object.fromEntries(parseEnvFile(readFileSync(stack.envFile, 'utf8')).map((e) => [e.name, e.value]));
      const base = `http://127.0.0.1:${env.AIRFLOW_HOST_PORT}`;
      const logs = async () => (await compose(stack, ['logs', '--no-color', '--tail', '20', 'airflow-scheduler', 'airflow-dag-processor'], { allowFailure: true })).stdout;
      // The simple auth manager's token for the admin user of the tier's env file.
      const tokenResponse = await fetch(`${base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: env.AIRFLOW_ADMIN_USER, password: env.AIRFLOW_ADMIN_PASSWORD }),
      });
      expect(tokenResponse.status, await tokenResponse.clone().text()).toBeLessThan(300);
      const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${base}/api/v2${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

      await eventually(async () => (await api('/dags/stream_to_kafka')).ok, { timeoutMs: 180_000, intervalMs: 2_000, what: 'the DAG processor to register stream_to_kafka' }).catch(async (e) => {
        throw new Error(`${(e as Error).message}\n${await logs()}`);
      });
      // Paused at creation (compose.yaml): unpause, then trigger with a count (the stack's default topics).
      expect((await api('/dags/stream_to_kafka', { method: 'PATCH', body: JSON.stringify({ is_paused: false }) })).status).toBe(200);
      const triggered = await api('/dags/stream_to_kafka/dagRuns', { method: 'POST', body: JSON.stringify({ logical_date: null, conf: { count: DAG_USERS, seed: 'compose-airflow' } }) });
      expect(triggered.status, await triggered.clone().text()).toBe(200);
      const { dag_run_id: runId } = (await triggered.json()) as { dag_run_id: string };
      const runPath = `/dags/stream_to_kafka/dagRuns/${encodeURIComponent(runId)}`;
      const finalState = await eventually(
        async () => {
          const state = ((await (await api(runPath)).json()) as { state: string }).state;
          return ['success', 'failed'].includes(state) ? state : undefined;
        },
        { timeoutMs: 300_000, intervalMs: 2_000, what: `run ${runId} to finish` },
      );
      if (finalState !== 'success') throw new Error(`run ${runId} ended ${finalState}; task instances: ${await (await api(`${runPath}/taskInstances`)).text()}\n${await logs()}`);
      landed += DAG_USERS;
      await landsExactly(landed);
    });
  });

  it('docker compose down -v leaves no container, network or volume behind', async () => {
    expect((await leftovers(stack.project)).length).toBeGreaterThan(0);
    await compose(stack, ['down', '-v', '--remove-orphans', '--timeout', '20'], { timeoutMs: 300_000 });
    expect(await leftovers(stack.project)).toEqual([]);
  });
});
