// The foreground supervisor of `stream start` (src/app/supervise-streaming.ts) recovering by itself,
// on real processes, once per failure kind: the checkpoint dir made read-only, the store stopped, the
// Spark Connect server SIGKILLed. It runs a Spark Connect server and a FerretDB of its own (port block
// 400) because it kills and stops them; Kafka is the shared one. One pipeline goes through all three
// faults in turn; after each, every user produced so far is in every collection exactly once.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../../src/app/recovery-policy.js';
import { startStreaming } from '../../../src/app/streaming.js';
import { superviseStreaming, type RecoveryEvent, type SuperviseOutcome } from '../../../src/app/supervise-streaming.js';
import type { StreamlineConfig } from '../../../src/config/index.js';
import { BUILTIN_TOPICS, builtinBindings } from '../../../harness/builtin-pipeline.js';
import { down, pidAlive, readRecord, up } from '../../../src/runtime/index.js';
import type { ApiServer } from '../../../src/source/index.js';
import { expectedQueries } from '../../../src/stream/index.js';
import { makeReadOnly, type ReadOnlyDir } from '../../../harness/read-only.js';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { testServices, uniqueName } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';
import { apiServer, disposeFixture, produce, readCollection, seededUsers, waitForCounts, type PipelineFixture } from './helpers.js';

const log = (message: string) => process.stdout.write(`[stream recovery] ${message}\n`);
const USERS_PER_STEP = 300;

let runtime: StreamlineConfig;
let fixture: PipelineFixture;
let server: ApiServer;
const events: { at: number; event: RecoveryEvent }[] = [];
const abort = new AbortController();
let supervision: Promise<SuperviseOutcome>;
let readOnly: ReadOnlyDir | undefined;
const expectedIds = new Set<string>();
let step = 0;

/** Produces the next USERS_PER_STEP users (a seed of their own) and remembers their ids. */
async function produceStep(): Promise<void> {
  const seed = `recovery-${++step}`;
  const expected = await seededUsers(server, seed, USERS_PER_STEP, 100);
  for (const id of expected.users.keys()) expectedIds.add(id);
  const summary = await produce(server, fixture, { count: USERS_PER_STEP, seed, batchSize: 100 });
  expect(summary.failed).toEqual(Object.fromEntries(fixture.bindings.map((b) => [b.topic, 0])));
}

/** Every collection holds exactly the users produced so far: none missing, none extra. */
async function expectExactlyOnce(): Promise<void> {
  const targets = Object.fromEntries(fixture.bindings.map((b) => [b.collection, expectedIds.size]));
  const final = await waitForCounts(fixture, targets, { timeoutMs: 240_000, quietMs: 60_000, log });
  expect(final).toEqual({ ...targets, dead_letters: 0 });
  for (const binding of fixture.bindings) {
    const ids = (await readCollection(fixture.config, binding.collection, { _id: 1 })).map((d) => String(d._id));
    expect(ids.filter((id) => !expectedIds.has(id)), `unexpected ids in ${binding.collection}`).toEqual([]);
    expect(new Set(ids).size).toBe(expectedIds.size);
  }
}

/** Waits for the supervisor's 'failed' event after `since`, then for its 'resumed' event; returns both. */
async function recoveryAfter(since: number, kind: Failure['kind'], timeoutMs: number): Promise<{ failed: RecoveryEvent & { type: 'failed' }; resumed: RecoveryEvent & { type: 'resumed' } }> {
  const after = () => events.filter((e) => e.at >= since).map((e) => e.event);
  const failed = await eventually(() => after().find((e): e is RecoveryEvent & { type: 'failed' } => e.type === 'failed'), { timeoutMs, intervalMs: 200, what: `the supervisor to report a ${kind} failure` });
  expect(failed.failure.kind, failed.message).toBe(kind);
  const resumed = await eventually(() => after().find((e): e is RecoveryEvent & { type: 'resumed' } => e.type === 'resumed'), { timeoutMs, intervalMs: 200, what: 'the supervisor to resume the queries' });
  return { failed, resumed };
}

beforeAll(async () => {
  const base = testRuntimeConfig('recovery', 'recovery');
  // Kafka is the shared one (never killed here); Spark Connect and FerretDB are this file's own.
  runtime = { ...base, kafka: { ...base.kafka, bootstrapServers: testServices().kafkaBootstrap } };
  await down(runtime);
  rmSync(runtime.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  // A second Spark JVM next to the shared one: on a busy 2-core machine it may need more than the usual 120 s.
  await up(runtime, { startTimeoutMs: 300_000 });
  log(`own Spark Connect and FerretDB ready after ${Date.now() - t0} ms`);
  const id = uniqueName('recovery');
  const topicNames = Object.fromEntries(BUILTIN_TOPICS.map((topic) => [topic, uniqueName(`recovery.${topic}`)]));
  const bindings = builtinBindings(BUILTIN_TOPICS, topicNames);
  fixture = {
    config: {
      ...runtime,
      // A short server selection timeout so a write to the stopped store fails within seconds.
      mongo: { ...runtime.mongo, database: id, uri: `mongodb://${runtime.mongo.host}:${runtime.mongo.port}/?serverSelectionTimeoutMS=5000` },
      stream: {
        ...runtime.stream,
        checkpointDir: join(runtime.stateDir, 'checkpoints', id),
        restart: { maxRestarts: 3, initialBackoffMs: 500, maxBackoffMs: 5_000, healthyAfterMs: 30_000, waitMs: 240_000, restartDriver: true },
      },
    },
    bindings,
    topicNames,
    binding: (schema) => bindings.find((b) => b.schema.topic === schema) as (typeof bindings)[number],
  };
  server = await apiServer();
  const started = await startStreaming(fixture.config, fixture.bindings);
  supervision = superviseStreaming(fixture.config, fixture.bindings, started, {
    signal: abort.signal,
    everyMs: 1_000,
    onEvent: (event) => {
      events.push({ at: Date.now(), event });
      if (event.type !== 'report') log(`${event.type}: ${event.type === 'failed' ? event.message : JSON.stringify(event)}`);
    },
  });
  await produceStep();
  await expectExactlyOnce();
  log(`pipeline running, ${expectedIds.size} users stored, after ${Date.now() - t0} ms`);
}, 400_000);

afterAll(async () => {
  readOnly?.restore();
  abort.abort();
  await supervision?.catch(() => undefined);
  await server?.close();
  // The fixture's state dir is the runtime's own (records, FerretDB data): stop the services before removing it.
  if (fixture) await disposeFixture(fixture, { keepData: true });
  await down(runtime);
  rmSync(runtime.stateDir, { recursive: true, force: true });
});

describe('stream start recovers by itself (issue 13, scenarios 3, 5, 9 on a single node)', () => {
  it('checkpoint dir read-only: says which path and what to do, resumes once it is writable, nothing lost or duplicated', async () => {
    const checkpointDir = fixture.config.stream.checkpointDir as string;
    const since = Date.now();
    readOnly = makeReadOnly(checkpointDir);
    log(`${checkpointDir} made read-only (${readOnly.how})`);
    await produceStep();
    const failed = await eventually(() => events.find((e) => e.at >= since && e.event.type === 'failed')?.event, { timeoutMs: 120_000, intervalMs: 200, what: 'the checkpoint failure' });
    expect(failed).toMatchObject({ failure: { kind: 'checkpoint-unwritable', subject: checkpointDir } });
    expect((failed as { message: string }).message).toMatch(/is not writable .*make it writable again/);
    // Still read-only: no restart may happen meanwhile.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(events.filter((e) => e.at >= since && e.event.type === 'resumed')).toEqual([]);
    const writableAt = Date.now();
    readOnly.restore();
    const { resumed } = await recoveryAfter(since, 'checkpoint-unwritable', 120_000);
    log(`resumed ${Date.now() - writableAt} ms after the dir was writable again (${resumed.afterMs} ms after the failure)`);
    await expectExactlyOnce();
  }, 400_000);

  it('store stopped, then started: the queries wait for it and resume, nothing lost or duplicated', async () => {
    const since = Date.now();
    await down(runtime, { only: ['ferretdb'] });
    log('FerretDB stopped');
    await produceStep();
    const failedEvent = await eventually(() => events.find((e) => e.at >= since && e.event.type === 'failed'), { timeoutMs: 120_000, intervalMs: 200, what: 'the store failure' });
    const upAt = Date.now();
    await up(runtime, { only: ['ferretdb'] });
    log(`FerretDB started again ${upAt - failedEvent.at} ms after the failure was reported`);
    const { resumed } = await recoveryAfter(since, 'store-unavailable', 120_000);
    log(`resumed ${resumed.afterMs} ms after the failure`);
    await expectExactlyOnce();
  }, 400_000);

  it('Spark Connect server SIGKILLed: the supervisor starts it again and resumes from the checkpoints, nothing lost or duplicated', async () => {
    const since = Date.now();
    const { pid } = readRecord(runtime, 'spark') as { pid: number };
    process.kill(pid, 'SIGKILL');
    await eventually(() => !pidAlive(pid), { timeoutMs: 30_000, intervalMs: 100, what: `Spark Connect pid ${pid} to be gone` });
    const { resumed } = await recoveryAfter(since, 'spark-gone', 300_000);
    const restarted = readRecord(runtime, 'spark');
    expect(restarted?.pid, 'a new Spark Connect server').not.toBe(pid);
    log(`resumed ${resumed.queries} queries ${resumed.afterMs} ms after the kill (new pid ${restarted?.pid})`);
    expect(resumed.queries).toBe(expectedQueries(fixture.bindings, fixture.config.stream.queries).length);
    await produceStep();
    await expectExactlyOnce();
  }, 400_000);
});
