// Acceptance of issue 9 on a real Apache Airflow 3 (the pinned venv): the DAG parses cleanly, and
// `airflow dags test stream_to_kafka` runs it end to end against a real Kafka broker and our local
// Random User API (clean and with 30% 5xx answers), and fails fast when Kafka is not there.
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/source/index.js';
import { airflow, airflowTier, readCounts, runToEnd, uniquePrefix } from './support.js';

const DEFAULT_TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'];
const servers: ApiServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

/** `airflow dags test` with this conf; Kafka is the tier's broker unless the conf says otherwise. */
function dagsTest(conf: Record<string, unknown>, env: Record<string, string> = {}) {
  const withKafka = { kafka_bootstrap: airflowTier().kafkaBootstrap, ...conf };
  return airflow(['dags', 'test', 'stream_to_kafka', '--conf', JSON.stringify(withKafka)], { env });
}

async function expectCounts(prefix: string, count: number): Promise<void> {
  const topics = DEFAULT_TOPICS.map((t) => `${prefix}${t}`);
  const counts = await readCounts(topics);
  for (const topic of topics) {
    expect(counts.get(topic), topic).toEqual({ inLog: count, read: count, keys: count });
  }
}

describe('stream_to_kafka on Airflow 3', () => {
  it('parses without import errors or deprecation warnings', async () => {
    const tier = airflowTier();
    // Airflow's own parser (DagBag) with every warning recorded while the DAG file runs.
    const check = await runToEnd(join(dirname(tier.airflow), 'python'), ['airflow/parse_check.py', 'dags'], tier.env, 120_000);
    expect(check.code, check.output).toBe(0);
    const report = JSON.parse(check.output.trim().split('\n').at(-1) as string) as { dags: Record<string, string[]>; import_errors: object; warnings: string[] };
    expect(report.import_errors).toEqual({});
    expect(report.warnings).toEqual([]);
    expect(report.dags.stream_to_kafka).toEqual(['check_kafka', 'produce', 'verify_summary', 'wait_for_catch_up']);

    const errors = await airflow(['dags', 'list-import-errors', '--output', 'json']);
    expect(errors.code, errors.output).toBe(0);
    expect(JSON.parse(errors.output.trim().split('\n').at(-1) as string)).toEqual([]);
  });

  it('{count: 500, seed: 42}: the run succeeds and each default topic holds exactly 500 records of it', async () => {
    const prefix = uniquePrefix('af500');
    const run = await dagsTest({ count: 500, seed: 42, topic_prefix: prefix });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/DagRun Finished: dag_id=stream_to_kafka.* state=success/);
    // verify_summary's per-topic log line.
    expect(run.output).toMatch(new RegExp(`${prefix.replaceAll('.', '\\.')}users\\.profile\\s+produced\\s+500\\s+failed\\s+0`));
    await expectCounts(prefix, 500);
  });

  it('the API answering 30% of requests with 5xx: still exact counts', async () => {
    const server = await startApiServer({ host: '127.0.0.1', port: 0, faults: { errorRate: 0.3, seed: 'airflow' } });
    servers.push(server);
    const prefix = uniquePrefix('af5xx');
    // 25 users per request: 20 good answers needed, so the 30% faults are hit (and retried) several times.
    const run = await dagsTest({ count: 500, seed: 42, topic_prefix: prefix, api_url: server.url, batch_size: 25 });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/state=success/);
    // 20 pages were needed; every request beyond that was a 5xx answer that the producer retried.
    expect(server.requestCount(), 'requests, faults included').toBeGreaterThan(20);
    await expectCounts(prefix, 500);
  });

  it('Kafka down: the first task fails fast, naming the broker, and nothing else runs', async () => {
    const run = await dagsTest({ count: 10, topic_prefix: uniquePrefix('afdown'), kafka_bootstrap: '127.0.0.1:1' }, { STREAMLINE_AIRFLOW_RETRIES: '0' });
    expect(run.output).toMatch(/state=failed/);
    expect(run.output).toContain('error: Kafka at 127.0.0.1:1 is not reachable');
    expect(run.output).toMatch(/RuntimeError: .*Kafka check failed/);
    expect(run.output).toMatch(/hint: start it/);
    expect(run.output).not.toMatch(/running: .* produce /);
    // The check gives up after its own 20 s deadline, far inside the task's 2 min execution_timeout.
    const checkStarted = /(\S+Z) \[info\s*\] \[DAG TEST\] starting task_id=check_kafka/.exec(run.output);
    const checkFailed = /(\S+Z) .*new_state=failed/.exec(run.output);
    expect(Date.parse(checkFailed?.[1] as string) - Date.parse(checkStarted?.[1] as string)).toBeLessThan(60_000);
  });
});
