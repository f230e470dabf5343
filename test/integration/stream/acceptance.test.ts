// Acceptance of issue 4, first bullet and the status bullet: 5,000 seeded users produced to four topics
// (unique Kafka names) while the streaming queries run on the shared Spark Connect server; every
// collection ends up with exactly the produced users, each document valid and equal to what was
// produced, no secrets, no dead letters; `stream status` (streamingStatus) shows the four ingest
// queries processing while the data flows.
import { afterAll, describe, expect, it } from 'vitest';
import { waitForCatchUp } from '../../../src/app/lag.js';
import { streamingStatus } from '../../../src/app/status.js';
import { collectionCounts, startStreaming, stopStreaming } from '../../../src/app/streaming.js';
import { expectedQueries } from '../../../src/stream/index.js';
import type { ApiServer } from '../../../src/source/index.js';
import { eventually } from '../../../harness/poll.js';
import { apiServer, deadLetters, disposeFixture, documentProblems, expectProduced, physicalPlans, pipelineFixture, produce, readCollection, seededUsers, waitForCounts, type PipelineFixture } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const log = (message: string) => process.stdout.write(`[stream acceptance] ${message}\n`);

describe('streaming pipeline acceptance (issue 4)', () => {
  it('5,000 users on the four topics: exactly 5,000 valid documents per collection with the produced ids; status shows processing', async () => {
    const t0 = Date.now();
    const server: ApiServer = await apiServer();
    cleanups.push(() => server.close());
    const fixture: PipelineFixture = pipelineFixture('s5k');
    cleanups.push(() => disposeFixture(fixture));
    const seed = 'stream-acceptance-5000';
    const count = 5000;
    const batchSize = 250;
    const expected = await seededUsers(server, seed, count, batchSize);

    const started = await startStreaming(fixture.config, fixture.bindings);
    const queryNames = expectedQueries(fixture.bindings, fixture.config.stream.queries);
    expect(started.queries.map((q) => q.name).sort()).toEqual([...queryNames].sort());
    expect(started.createdTopics.sort()).toEqual(fixture.bindings.map((b) => b.topic).sort());
    // Keep the queries running on the server; the session id is recorded for status/stop.
    started.spark.close();
    log(`queries started after ${Date.now() - t0} ms`);

    // Paced so the run lasts ~40 s: the status is looked at while records still arrive (the first
    // micro-batches of a fresh server take several seconds each on 2 cores).
    let producing = true;
    let lastProducedAt = 0;
    const production = produce(server, fixture, { count, seed, batchSize, rate: 125 }).finally(() => {
      producing = false;
      lastProducedAt = Date.now();
    });
    const during = await eventually(
      async () => {
        const status = await streamingStatus(fixture.config, fixture.bindings);
        const ok = status.queries.length === queryNames.length && status.queries.every((q) => q.active && (q.processedRowsPerSecond ?? 0) > 0);
        return ok && { status, producing };
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every ingest query reporting processedRowsPerSecond > 0' },
    );
    log(`status during the run: ${during.status.queries.map((q) => `${q.name} ${q.processedRowsPerSecond?.toFixed(0)} rows/s batch ${q.batchId} behind ${q.behind}`).join('; ')}`);
    expect(during.producing, 'the non-zero rates were seen while the producer was still running').toBe(true);
    expect(during.status.queries.map((q) => q.name).sort()).toEqual([...queryNames].sort());
    expect(during.status.queries.every((q) => q.active && q.exception === undefined)).toBe(true);

    const summary = await production;
    expectProduced(summary, fixture, count);
    log(`produced ${count} users x ${fixture.bindings.length} topics in ${summary.elapsedMs} ms`);

    // `streamline lag --wait`: once it says caught up, every record is in the store, without waiting more.
    const caughtUpAt = await waitForCatchUp(fixture.config, { timeoutMs: 180_000, bindings: fixture.bindings }).then(() => Date.now());
    const counted = await collectionCounts(fixture.config, fixture.bindings);
    expect(Object.fromEntries(counted.map((c) => [c.collection, c.documents]))).toEqual({ ...Object.fromEntries(fixture.bindings.map((b) => [b.collection, count])), dead_letters: 0 });
    log(`lag 0 on every query ${caughtUpAt - lastProducedAt} ms after the last produce`);

    const final = await waitForCounts(fixture, Object.fromEntries(fixture.bindings.map((b) => [b.collection, count])), { timeoutMs: 180_000 });
    const latencyMs = Date.now() - lastProducedAt;
    log(`all collections complete ${latencyMs} ms after the last produce: ${JSON.stringify(final)}`);
    for (const b of fixture.bindings) expect(final[b.collection], b.collection).toBe(count);
    expect(final.dead_letters).toBe(0);
    // Issue 4: within 60 s of the last produce.
    expect(latencyMs).toBeLessThan(60_000);

    const problems: string[] = [];
    for (const binding of fixture.bindings) {
      const docs = await readCollection(fixture.config, binding.collection);
      expect(docs).toHaveLength(count);
      expect(new Set(docs.map((d) => String(d._id)))).toEqual(new Set(expected.users.keys()));
      for (const doc of docs) problems.push(...documentProblems(doc, binding, expected));
    }
    expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
    expect(await deadLetters(fixture.config)).toEqual([]);

    // Still running, all of them, and nothing failed; then stop cleanly.
    const after = await streamingStatus(fixture.config, fixture.bindings);
    expect(after.queries.map((q) => q.name).sort()).toEqual([...queryNames].sort());
    expect(after.queries.filter((q) => !q.active || q.exception !== undefined)).toEqual([]);
    // Each record is read and parsed once: a filter pushed below a projected alias would inline one JSON
    // parse per field the checks read (docs/decisions.md, issue 12), and a route that read the batch again
    // would plan a parse of its own within the same micro-batch. Every route is written in the micro-batch's
    // own plan (one pass), so each micro-batch has one plan that parses, once.
    for (const name of queryNames) {
      const plans = await physicalPlans(fixture.config, name);
      expect(plans.length, `Spark UI knows the plans of ${name}`).toBeGreaterThan(0);
      const parses = plans.map(({ plan }) => plan.match(/from_json\(StructField/g)?.length ?? 0);
      expect(Math.max(...parses), `JSON parses in one plan of ${name}`).toBe(1);
      const parsingPlansPerBatch = new Map<string, number>();
      for (const [i, { batch }] of plans.entries()) if (parses[i]! > 0) parsingPlansPerBatch.set(batch, (parsingPlansPerBatch.get(batch) ?? 0) + 1);
      expect(Math.max(...parsingPlansPerBatch.values()), `${name}: plans that parse records in one micro-batch`).toBe(1);
    }
    expect(await stopStreaming(fixture.config, fixture.bindings)).toBe(true);
    expect((await streamingStatus(fixture.config, fixture.bindings)).queries).toEqual([]);
    log(`test took ${Date.now() - t0} ms`);
  });
});
