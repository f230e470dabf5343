// Acceptance of issue 4, restart bullet: in the middle of a 20,000-user run (the producer still
// publishing, the queries mid-way), (a) stop the streaming queries and start them again, (b) SIGKILL the
// Spark Connect server, start it again and start the queries again; both from the same checkpoints.
// Each collection ends with exactly the 20,000 produced users: none lost, none duplicated.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { streamingStatus } from '../../../src/app/status.js';
import { startStreaming, stopStreaming } from '../../../src/app/streaming.js';
import { pidAlive, readRecord, up } from '../../../src/runtime/index.js';
import { loadPipelineSession } from '../../../src/stream/index.js';
import type { ApiServer } from '../../../src/source/index.js';
import { eventually } from '../../../harness/poll.js';
import {
  apiServer,
  counts,
  deadLetters,
  disposeFixture,
  documentProblems,
  expectProduced,
  pipelineFixture,
  produce,
  readCollection,
  seededUsers,
  sharedConfig,
  waitForCounts,
  type PipelineFixture,
} from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const COUNT = 20_000;
/** Users per second: the producer runs for ~50 s, so the interruption happens while it publishes. */
const RATE = 400;
/** Documents every collection must hold before the interruption (every query has written some). */
const MID_RUN = 500;

/**
 * Per query, the last batch planned (offsets/N) and the last batch committed (commits/N) in its
 * checkpoint: planned > committed means a batch was cut off and is replayed on restart.
 */
function checkpointBatches(checkpointDir: string): Record<string, { planned: number; committed: number }> {
  const last = (dir: string) => (existsSync(dir) ? Math.max(-1, ...readdirSync(dir).filter((f) => /^\d+$/.test(f)).map(Number)) : -1);
  return Object.fromEntries(
    readdirSync(checkpointDir).map((query) => [query, { planned: last(join(checkpointDir, query, 'offsets')), committed: last(join(checkpointDir, query, 'commits')) }]),
  );
}

async function restartRun(label: string, interrupt: (fixture: PipelineFixture, log: (m: string) => void) => Promise<void>): Promise<void> {
  const log = (message: string) => process.stdout.write(`[stream restart ${label}] ${message}\n`);
  const t0 = Date.now();
  const server: ApiServer = await apiServer();
  cleanups.push(() => server.close());
  const fixture = pipelineFixture(`restart${label}`);
  cleanups.push(() => disposeFixture(fixture));
  const seed = `stream-restart-${label}`;
  const batchSize = 500;
  const expected = await seededUsers(server, seed, COUNT, batchSize);
  log(`expected users fetched after ${Date.now() - t0} ms`);

  const first = await startStreaming(fixture.config, fixture.bindings);
  first.spark.close();
  let producing = true;
  const production = produce(server, fixture, { count: COUNT, seed, batchSize, rate: RATE }).finally(() => {
    producing = false;
    log(`producer done after ${Date.now() - t0} ms`);
  });
  // Fail fast (instead of waiting for the deadline) if production fails.
  let productionError: unknown;
  production.catch((e: unknown) => (productionError = e));

  const mid = await eventually(
    async () => {
      if (productionError) throw productionError;
      const now = await counts(fixture);
      return fixture.bindings.every((b) => (now[b.collection] ?? 0) >= MID_RUN) && now;
    },
    { timeoutMs: 180_000, intervalMs: 250, what: `${MID_RUN} documents in every collection` },
  );
  const producingAtInterruption = producing;
  log(`interrupting after ${Date.now() - t0} ms, producer still running: ${producingAtInterruption}, ${JSON.stringify(mid)}`);
  await interrupt(fixture, log);

  // What was stored when the pipeline stopped, and the batches cut off (replayed on restart).
  const stored = await counts(fixture);
  log(`stored at the interruption: ${JSON.stringify(stored)}`);
  expect(fixture.bindings.every((b) => (stored[b.collection] ?? 0) < COUNT)).toBe(true);
  const cutOff = Object.entries(checkpointBatches(fixture.config.stream.checkpointDir as string)).filter(([, b]) => b.planned > b.committed);
  log(`batches cut off by the interruption (replayed from the checkpoint on restart): ${cutOff.length ? cutOff.map(([q, b]) => `${q} batch ${b.planned} (last committed ${b.committed})`).join(', ') : 'none'}`);

  const again = await startStreaming(fixture.config, fixture.bindings);
  again.spark.close();
  expect(again.createdTopics).toEqual([]);
  log(`queries started again after ${Date.now() - t0} ms (session ${again.session.sessionId})`);

  const summary = await production;
  expectProduced(summary, fixture, COUNT);

  const targets = Object.fromEntries(fixture.bindings.map((b) => [b.collection, COUNT]));
  const final = await waitForCounts(fixture, targets, { timeoutMs: 360_000, log });
  log(`final after ${Date.now() - t0} ms: ${JSON.stringify(final)}`);
  const status = await streamingStatus(fixture.config, fixture.bindings);
  expect(status.queries.filter((q) => !q.active || q.exception !== undefined), 'failed queries').toEqual([]);

  const problems: string[] = [];
  for (const binding of fixture.bindings) {
    const docs: Document[] = await readCollection(fixture.config, binding.collection);
    const ids = docs.map((d) => String(d._id));
    const unique = new Set(ids);
    expect(ids.length - unique.size, `duplicate ids in ${binding.collection}`).toBe(0);
    const missing = [...expected.users.keys()].filter((id) => !unique.has(id));
    const unexpected = ids.filter((id) => !expected.users.has(id));
    expect({ missing: missing.length, unexpected: unexpected.length }, binding.collection).toEqual({ missing: 0, unexpected: 0 });
    for (const doc of docs) problems.push(...documentProblems(doc, binding, expected));
  }
  expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
  expect(final).toEqual({ ...targets, dead_letters: 0 });
  expect(await deadLetters(fixture.config)).toEqual([]);
  expect(producingAtInterruption, 'the interruption happened while the producer was still publishing').toBe(true);

  expect(await stopStreaming(fixture.config, fixture.bindings)).toBe(true);
  log(`test took ${Date.now() - t0} ms`);
}

describe('restart from the same checkpoints in the middle of a 20,000-user run (issue 4)', () => {
  it('stop the streaming queries, start them again: exactly 20,000 per collection, no duplicate, no missing id', async () => {
    await restartRun('stop', async (fixture, log) => {
      const t = Date.now();
      expect(await stopStreaming(fixture.config, fixture.bindings)).toBe(true);
      expect((await streamingStatus(fixture.config, fixture.bindings)).queries).toEqual([]);
      log(`queries stopped in ${Date.now() - t} ms`);
    });
  }, 600_000);

  it('SIGKILL the Spark Connect server, start it and the queries again: exactly 20,000 per collection, no duplicate, no missing id', async () => {
    await restartRun('kill', async (fixture, log) => {
      const shared = sharedConfig();
      const record = readRecord(shared, 'spark');
      expect(record, 'the shared runtime records its Spark Connect server').toBeDefined();
      const pid = (record as { pid: number }).pid;
      const session = loadPipelineSession(fixture.config.stateDir);
      expect(session, 'the running pipeline recorded its session').toBeDefined();
      process.kill(pid, 'SIGKILL');
      await eventually(() => !pidAlive(pid), { timeoutMs: 30_000, intervalMs: 100, what: `Spark Connect pid ${pid} to be gone` });
      log(`Spark Connect server (pid ${pid}) killed`);
      const t = Date.now();
      // The port is free once the process is gone; retry in case the kernel needs a moment to release it.
      const result = await eventually(() => up(shared, { only: ['spark'] }), { timeoutMs: 120_000, intervalMs: 1000, what: 'Spark Connect to start again' });
      expect(result.started.map((r) => r.name)).toEqual(['spark']);
      expect(result.started[0]?.pid).not.toBe(pid);
      log(`Spark Connect server started again in ${Date.now() - t} ms (pid ${result.started[0]?.pid})`);
      // The recorded session died with the server: status finds no queries, and start must not refuse.
      expect((await streamingStatus(fixture.config, fixture.bindings)).queries).toEqual([]);
    });
  }, 600_000);
});
