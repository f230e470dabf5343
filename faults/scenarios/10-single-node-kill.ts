// Scenario 10: single-node mode, the default most users run. The only broker is SIGKILLed while the
// producer runs as a new user would (3,000 users, 10 per fetch, 100-200 ms apart) and started again
// 60 s later (10 s in the short variant). The producer must hold what it has, pause fetching and deliver
// everything when the broker is back: it exits 0 (it gave up on nothing) and the checker finds every
// acknowledged user in every collection exactly once. The broker is one of the scenario's own, in its
// own state dir and port block; the cluster's Spark and FerretDB run the queries, reading from it.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStreaming } from '../../src/app/streaming.js';
import type { StreamlineConfig } from '../../src/config/index.js';
import { down, pidAlive, readRecord, up } from '../../src/runtime/index.js';
import { testRuntimeConfig } from '../../harness/runtime.js';
import { eventually } from '../../harness/poll.js';
import { missingFromStore } from '../checker.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../scenario.js';
import { readAckLog, readStore } from '../store.js';
import { producerExitCheck } from './checks.js';

const USERS = 3000;

/** The cluster's Spark and store with the scenario's single broker: what the producer and the queries use. */
function singleNodeConfig(ctx: ScenarioContext, broker: StreamlineConfig): StreamlineConfig {
  return {
    ...ctx.config,
    kafka: { ...broker.kafka, partitions: ctx.config.kafka.partitions, replicationFactor: 1, minInsyncReplicas: 1 },
    cluster: { ...ctx.config.cluster, enabled: false },
  };
}

/** The producer's own account of the outage, from its progress lines and summary. */
function producerFigures(output: string): Record<string, number | string> {
  const held = [...output.matchAll(/unreachable for (\d+) s; holding ([\d,]+) records/g)].map((m) => [Number(m[1]), Number((m[2] as string).replace(/,/g, ''))]);
  const paused = /fetching paused (\S+) while Kafka was away; at most ([\d,]+) records held/.exec(output);
  const gaveUp = /gave up on ([\d,]+) users \(([\d,]+) records\)/.exec(output);
  return {
    longestOutageSeenS: Math.max(0, ...held.map(([s]) => s as number)),
    heldRecordsMax: paused ? Number((paused[2] as string).replace(/,/g, '')) : Math.max(0, ...held.map(([, n]) => n as number)),
    fetchPaused: paused?.[1] ?? '0',
    gaveUpRecords: gaveUp ? Number((gaveUp[2] as string).replace(/,/g, '')) : 0,
  };
}

async function singleNodeKill(ctx: ScenarioContext, outageMs: number): Promise<ScenarioOutcome> {
  const broker = testRuntimeConfig('faults-single-node', 'faults-single-node');
  await down(broker);
  rmSync(broker.stateDir, { recursive: true, force: true }); // empty topics, like the cluster's
  await up(broker, { only: ['kafka'] });
  try {
    const config = singleNodeConfig(ctx, broker);
    const configFile = join(ctx.workDir, 'single-node.json');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const started = await startStreaming(config, ctx.bindings);
    started.spark.close();
    const users = ctx.quick ? ctx.users : USERS;
    // A later -c wins: the producer publishes to the single broker, with topics of replication factor 1.
    const producer = ctx.startProducer({ count: users, batchSize: 10, interval: '100..200ms', args: ['-c', configFile] });
    const records = users * ctx.bindings.length;
    await ctx.waitForAcks(Math.floor(records * (0.2 + 0.2 * ctx.random())), producer);
    const pid = (readRecord(broker, 'kafka') as { pid: number }).pid;
    ctx.markFault(`the only broker SIGKILLed for ${outageMs / 1000} s`);
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await eventually(() => !pidAlive(pid), { timeoutMs: 30_000, intervalMs: 100, what: `Kafka (pid ${pid}) to exit after SIGKILL` });
    await sleep(Math.max(0, killedAt + outageMs - Date.now())); // the outage itself
    const restartAt = Date.now();
    await eventually(() => up(broker, { only: ['kafka'] }), { timeoutMs: 120_000, intervalMs: 1_000, what: 'the broker to start again' });
    const backAt = Date.now();
    ctx.log(`broker away ${backAt - killedAt} ms (dead ${restartAt - killedAt} ms, restart ${backAt - restartAt} ms)`);
    const exit = await producer.exited;
    // The queries read from this broker: keep it until the store holds every acknowledged record.
    const acks = readAckLog(ctx.ackLog);
    await eventually(async () => missingFromStore(acks, await readStore(ctx.config, ctx.bindings)) === 0, { timeoutMs: 360_000, intervalMs: 2_000, what: 'the store to hold every acknowledged record' }).catch(
      (e: unknown) => ctx.log(`store incomplete: ${(e as Error).message}`),
    );
    const figures = producerFigures(producer.output());
    ctx.log(`producer: ${JSON.stringify(figures)}`);
    const awayMs = backAt - killedAt;
    const overTimeout = awayMs > config.produce.deliveryTimeoutMs;
    return {
      measurements: { awayMs, restartMs: backAt - restartAt, acknowledged: acks.length, ...figures },
      failedChecks: producerExitCheck(exit, producer),
      ...(overTimeout && figures.gaveUpRecords
        ? {
            explanation: `the broker was away ${Math.round(awayMs / 1000)} s (dead ${outageMs / 1000} s, then ${Math.round((backAt - restartAt) / 1000)} s to start), past the delivery timeout of ${config.produce.deliveryTimeoutMs / 1000} s: the producer gave up on the ${figures.gaveUpRecords} records it held, listed their user ids and exited 1 (nothing acknowledged was lost)`,
          }
        : {}),
    };
  } finally {
    await down(broker);
  }
}

export const singleNodeKill60s: Scenario = {
  id: '10',
  name: 'single node: the only broker SIGKILLed, restarted after 60 s (3,000 users, 10 per fetch, 100-200 ms apart)',
  inQuick: false,
  run: (ctx) => singleNodeKill(ctx, 60_000),
};

export const singleNodeKill10s: Scenario = {
  id: '10-short',
  name: 'single node: the only broker SIGKILLed, restarted after 10 s (3,000 users, 10 per fetch, 100-200 ms apart)',
  inQuick: false,
  run: (ctx) => singleNodeKill(ctx, 10_000),
};
