// Issue 13, scenario 10, as a test: the only Kafka broker SIGKILLed while the producer runs as a new
// user would (3,000 users, 10 per fetch, 100-200 ms apart), started again 10 s later. The producer must
// hold what it has, pause fetching, and deliver everything once the broker is back: 0 lost, every user
// exactly once on every topic, each partition in fetch order. The broker is the test's own (its own
// port block and state dir), never the shared one.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producePipeline } from '../../../src/app/produce.js';
import { BUILTIN, BUILTIN_TOPICS as TOPIC_NAMES, type BuiltinTopic } from '../../../harness/builtin-pipeline.js';
import { partitionForKey } from '../../../src/kafka/index.js';
import { formatProgressLine, type ProgressState } from '../../../src/produce/index.js';
import { down, pidAlive, readRecord, up } from '../../../src/runtime/index.js';
import { fetchUsers, startApiServer, type ApiServer } from '../../../src/source/index.js';
import { readTopicLogs } from '../../support/kafka-log.js';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { uniqueName } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';

const USERS = 3000;
const PER_FETCH = 10;
const OUTAGE_MS = 10_000;
/** Kill once this many users were acknowledged on every topic (a fifth of the run). */
const KILL_AFTER = 600;
const PARTITIONS = 3;

const config = testRuntimeConfig('producer-outage', 'producer-outage');
const bootstrap = `${config.kafka.host}:${config.kafka.port}`;
let server: ApiServer | undefined;

beforeAll(async () => {
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  await up(config, { only: ['kafka'] });
  server = await startApiServer({ host: '127.0.0.1', port: 0 });
}, 240_000);

afterAll(async () => {
  await server?.close();
  const result = await down(config);
  if (result.survivors.length) throw new Error(`still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
}, 120_000);

interface Outage {
  killedAt: number;
  /** When the restarted broker answered again (up() returned). */
  backAt: number;
}

/** SIGKILLs the broker, leaves it dead for `ms`, starts it again (the port may take a moment to free). */
async function killBrokerFor(ms: number): Promise<Outage> {
  const pid = (readRecord(config, 'kafka') as { pid: number }).pid;
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  await eventually(() => !pidAlive(pid), { timeoutMs: 30_000, intervalMs: 100, what: `Kafka pid ${pid} to be gone` });
  await sleep(Math.max(0, killedAt + ms - Date.now())); // the outage itself, not a wait for something
  await eventually(() => up(config, { only: ['kafka'] }), { timeoutMs: 120_000, intervalMs: 1000, what: 'Kafka to start again' });
  return { killedAt, backAt: Date.now() };
}

/** The users the run fetched, in order: the API answers the same seed and page with the same users. */
async function usersInFetchOrder(seed: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < USERS; page++) {
    const { users } = await fetchUsers({ apiUrl: (server as ApiServer).url, results: PER_FETCH, seed, page });
    ids.push(...users.map((u) => u.login.uuid));
  }
  return ids;
}

const acknowledgedEverywhere = (state: ProgressState): number => Math.min(...Object.values(state.topics).map((t) => t.produced));

describe('the only Kafka broker SIGKILLed for 10 s mid-produce (issue 13, scenario 10)', () => {
  it('holds the records, pauses fetching, resumes in order: 0 lost, every user exactly once on every topic', async () => {
    const seed = uniqueName('outage');
    const topicNames = Object.fromEntries(TOPIC_NAMES.map((t) => [t, uniqueName(`outage_${t.split('.')[1]}`)])) as Record<BuiltinTopic, string>;
    const progress: ProgressState[] = [];
    const warnings: string[] = [];
    let outage: Promise<Outage> | undefined;
    const t0 = Date.now();
    const run = { ...config, api: { ...config.api, url: (server as ApiServer).url }, kafka: { ...config.kafka, partitions: PARTITIONS, replicationFactor: 1, minInsyncReplicas: 1 } };
    const summary = await producePipeline(run, BUILTIN, {
      topics: TOPIC_NAMES,
      topicNames,
      count: USERS,
      batchSize: PER_FETCH,
      seed,
      interval: { kind: 'uniform', minMs: 100, maxMs: 200 },
      onWarning: (message) => warnings.push(message),
      onProgress: (state) => {
        progress.push(state);
        if (!outage && acknowledgedEverywhere(state) >= KILL_AFTER) outage = killBrokerFor(OUTAGE_MS);
      },
    });
    const runMs = Date.now() - t0;
    expect(outage, 'the broker was killed mid-run').toBeDefined();
    const { killedAt, backAt } = await (outage as Promise<Outage>);

    const during = progress.filter((p) => p.kafkaOutage?.fetchingPaused);
    const held = Math.max(...progress.map((p) => Object.values(p.topics).reduce((sum, t) => sum + t.dispatched - t.produced - t.failed, 0)));
    const figures = { runMs, downMs: backAt - killedAt, fetchPausedMs: Math.round(summary.fetchPausedMs ?? 0), maxInFlight: summary.maxInFlight, heldInProgress: held };
    console.log(`[outage] ${JSON.stringify(figures)}; last outage line: ${during.length ? formatProgressLine(during.at(-1) as ProgressState) : 'none'}`);

    expect(warnings).toEqual([]);
    expect(summary.stopReason).toBe('count');
    expect(summary.failed).toEqual(Object.fromEntries(TOPIC_NAMES.map((t) => [topicNames[t], 0])));
    expect(summary.produced).toEqual(Object.fromEntries(TOPIC_NAMES.map((t) => [topicNames[t], USERS])));
    // Fetching waited for the broker (most of the time it was away), and the progress line said so.
    expect(summary.fetchPausedMs).toBeGreaterThan(OUTAGE_MS * 0.8);
    expect(during.length).toBeGreaterThan(0);
    expect(formatProgressLine(during.at(-1) as ProgressState)).toMatch(new RegExp(`Kafka at ${bootstrap} unreachable for \\d+ s; holding [\\d,]+ records; fetching paused$`));
    // Held: what was fetched before the producer noticed, a few pages at this pace, far below the bound.
    expect(summary.maxInFlight).toBeLessThan(2000);

    const expected = await usersInFetchOrder(seed);
    expect(new Set(expected).size).toBe(USERS);
    const logs = await readTopicLogs(bootstrap, Object.values(topicNames));
    for (const topic of TOPIC_NAMES) {
      const log = logs.get(topicNames[topic]);
      expect(log?.inLog, `records in the log of ${topic}`).toBe(USERS);
      const keys = (log?.messages ?? []).map((m) => m.key);
      expect(new Set(keys), `the users on ${topic}`).toEqual(new Set(expected));
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const inLog = (log?.messages ?? []).filter((m) => m.partition === partition).map((m) => m.key);
        expect(inLog, `${topic} partition ${partition} in fetch order`).toEqual(expected.filter((id) => partitionForKey(id, PARTITIONS) === partition));
      }
    }
  }, 300_000);
});
