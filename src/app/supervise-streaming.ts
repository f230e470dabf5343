// The foreground `stream start` as the pipeline's supervisor: it watches the queries, and when they
// break (Spark Connect server gone, store away, checkpoint dir unwritable, a query failing) it waits
// for the cause to go away and starts the queries again from their checkpoints in a new session,
// within a bounded budget of restarts with backoff. Decisions are pure (recovery-policy.ts); this
// file is the I/O around them. Why the CLI and not a daemon: docs/decisions.md, "Recovery".
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkSession } from '@streamline/spark-connect';
import { kafkaBootstrap, kafkaSasl, mongoUri, redactUri, sparkRemote, type StreamlineConfig } from '../config/index.js';
import { systemClock } from '../core/clock.js';
import { serviceState, up } from '../runtime/index.js';
import { probeFerretDb, probeKafka } from '../runtime/probes.js';
import { checkpointFor, expectedQueries, loadPipelineSession, type QueryReport, type TopicBinding } from '../stream/index.js';
import { decideRestart, describeFailure, diagnose, withoutGiveUp, type Failure, type Observations, type RestartHistory, type RestartPolicy } from './recovery-policy.js';
import { pipelineSpec, queryReports, releasePipeline, startQueries, type RunningPipeline } from './streaming.js';

export type RecoveryEvent =
  | { type: 'report'; reports: QueryReport[] }
  | { type: 'failed'; failure: Failure; message: string; queries?: { query: string; message: string }[] }
  | { type: 'supervising'; queries: string[]; session: string; adopted: boolean }
  | { type: 'start-failed'; message: string; retryInMs: number }
  | { type: 'restarting-driver'; address: string }
  | { type: 'driver-start-failed'; message: string }
  | { type: 'waiting'; failure: Failure; elapsedMs: number }
  | { type: 'resumed'; queries: number; afterMs: number; attempt: number; maxRestarts: number; session: string };

export type SuperviseOutcome =
  | { outcome: 'interrupted'; running?: RunningPipeline }
  | { outcome: 'stopped' }
  | { outcome: 'gave-up'; failure: Failure; reason: string };

export interface SuperviseOptions {
  signal: AbortSignal;
  onEvent: (event: RecoveryEvent) => void;
  /** How often the queries are checked (and reported). */
  everyMs?: number;
  /** How often a waiting supervisor says it still waits. */
  noticeEveryMs?: number;
  /** The detached supervisor: restart and wait for as long as it takes (no give-up window). */
  unbounded?: boolean;
}

/** Why the watch broke off: queries that stopped, or an error talking to Spark. */
type Break = { stopped: QueryReport[] } | { error: unknown };

/** `streamline stream stop` (from anywhere) clears the recorded session: then a stop is no failure. */
const stoppedOnPurpose = (config: StreamlineConfig, running: RunningPipeline) => loadPipelineSession(config.stateDir)?.sessionId !== running.session.sessionId;

async function watchUntilBroken(config: StreamlineConfig, running: RunningPipeline, opts: SuperviseOptions): Promise<Break | 'stopped' | undefined> {
  while (!opts.signal.aborted) {
    await systemClock.sleep(opts.everyMs ?? 5_000, opts.signal);
    if (opts.signal.aborted) return undefined;
    try {
      const reports = await queryReports(running.queries);
      opts.onEvent({ type: 'report', reports });
      const stopped = reports.filter((r) => r.exception || !r.active);
      if (stopped.length) return stoppedOnPurpose(config, running) ? 'stopped' : { stopped };
    } catch (error) {
      return stoppedOnPurpose(config, running) ? 'stopped' : { error };
    }
  }
  return undefined;
}

/** The dirs Spark writes a checkpoint into: the root, each query's dir and its offsets/commits logs. */
function checkpointDirs(config: StreamlineConfig, bindings: TopicBinding[]): string[] {
  const spec = pipelineSpec(config, bindings);
  const queries = expectedQueries(bindings, spec.layout).map((q) => checkpointFor(spec, q));
  return [spec.checkpointDir, ...queries.flatMap((dir) => [dir, join(dir, 'offsets'), join(dir, 'commits')])];
}

/** The first checkpoint dir where a file cannot be created right now (EROFS, EPERM, ENOSPC...), if any. */
function unwritableCheckpoint(config: StreamlineConfig, bindings: TopicBinding[]): { path: string; reason: string } | undefined {
  for (const dir of checkpointDirs(config, bindings)) {
    const probe = join(dir, `.streamline-write-probe-${process.pid}`);
    try {
      writeFileSync(probe, '');
      rmSync(probe, { force: true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // A dir Spark has not created yet is no problem (the root's own probe covers creating it).
      if (err.code === 'ENOENT') continue;
      // Node words it "EROFS: read-only file system, open '<probe file>'": the dir is what matters.
      return { path: dir, reason: err.message.replace(/, open '.*'$/, '') };
    }
  }
  return undefined;
}

/** The readiness probes `up` and `ping` use, as yes/no for the wait loop. */
const storeAnswers = (config: StreamlineConfig): Promise<boolean> => probeFerretDb(mongoUri(config), 3_000).then(() => true, () => false);

const kafkaAnswers = (config: StreamlineConfig): Promise<boolean> => probeKafka(kafkaBootstrap(config), 5_000, undefined, kafkaSasl(config)).then(() => true, () => false);

async function sparkAnswers(config: StreamlineConfig): Promise<boolean> {
  try {
    const spark = await SparkSession.builder().remote(sparkRemote(config)).deadlineMs(5_000).getOrCreate();
    try {
      await spark.version();
      return true;
    } finally {
      await spark.stop().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

async function observe(config: StreamlineConfig, bindings: TopicBinding[], broke: Break): Promise<Observations> {
  const error = 'error' in broke ? (broke.error as { name?: string; errorClass?: string; message?: string }) : undefined;
  return {
    ...(error ? { sparkError: { name: error.name ?? 'Error', errorClass: error.errorClass, message: error.message ?? String(broke) } } : {}),
    queryExceptions: 'stopped' in broke ? broke.stopped.map((r) => ({ query: r.name, message: r.exception ?? 'stopped without an exception (stopped from outside, e.g. through Spark Connect)' })) : [],
    ...(() => {
      const problem = unwritableCheckpoint(config, bindings);
      return problem ? { checkpointProblem: problem } : {};
    })(),
    storeReachable: await storeAnswers(config),
    kafkaReachable: await kafkaAnswers(config),
    sparkAddress: redactUri(sparkRemote(config)).replace(/^sc:\/\//, ''),
    storeAddress: mongoUri(config).replace(/\/\/[^@/]*@/, '//'),
    kafkaAddress: kafkaBootstrap(config),
  };
}

/**
 * Waits until the failure's cause is gone (restarting a crashed local driver on the way), or the
 * deadline passes (false). Polls once a second; says it still waits every noticeEveryMs.
 */
async function waitUntilBack(config: StreamlineConfig, bindings: TopicBinding[], policy: RestartPolicy, failure: Failure, since: number, opts: SuperviseOptions): Promise<boolean> {
  const deadline = since + policy.waitMs;
  let lastNotice = Date.now();
  // Once the local driver is seen crashed it is ours to restart until it runs, even when a start attempt
  // failed and `up` removed its record (a start that timed out on a busy machine). Asked on every poll:
  // a driver that stopped answering first (out of heap) dies only later.
  const driverIsOurs = config.stream.restart.restartDriver && !config.spark.remote;
  let restartDriver = false;
  let lastStart = 0;
  const check = async (): Promise<boolean> => {
    switch (failure.kind) {
      case 'spark-gone': {
        const state = driverIsOurs ? serviceState(config, 'spark') : undefined;
        restartDriver ||= state === 'crashed';
        if (restartDriver && state !== 'running' && Date.now() - lastStart >= 10_000) {
          lastStart = Date.now();
          opts.onEvent({ type: 'restarting-driver', address: failure.subject });
          // A failed start (port not yet released, JVM too slow to answer) is retried on the next poll.
          // Without a deadline of its own (detached), the server gets its usual start timeout and is tried again after it.
          await up(config, { only: ['spark'], ...(Number.isFinite(deadline) ? { startTimeoutMs: Math.max(30_000, deadline - Date.now()) } : {}) }).catch((e: unknown) => opts.onEvent({ type: 'driver-start-failed', message: (e as Error).message }));
        }
        return sparkAnswers(config);
      }
      case 'store-unavailable':
        return storeAnswers(config);
      case 'kafka-unavailable':
        return kafkaAnswers(config);
      case 'checkpoint-unwritable':
        return unwritableCheckpoint(config, bindings) === undefined;
      case 'query-failed':
        return true;
    }
  };
  while (!opts.signal.aborted && Date.now() < deadline) {
    if (await check()) return true;
    if (Date.now() - lastNotice >= (opts.noticeEveryMs ?? 15_000)) {
      lastNotice = Date.now();
      opts.onEvent({ type: 'waiting', failure, elapsedMs: Date.now() - since });
    }
    await systemClock.sleep(1_000, opts.signal);
  }
  return false;
}

/**
 * Watches a started pipeline until Ctrl-C (outcome 'interrupted', with what runs now) or until a
 * failure outlasts the restart budget or the wait (outcome 'gave-up'; nothing of the pipeline runs then).
 */
export async function superviseStreaming(config: StreamlineConfig, bindings: TopicBinding[], started: RunningPipeline, opts: SuperviseOptions): Promise<SuperviseOutcome> {
  const policy = opts.unbounded ? withoutGiveUp(config.stream.restart) : config.stream.restart;
  let running: RunningPipeline | undefined = started;
  let history: RestartHistory = { restarts: 0, runningSince: Date.now() };
  let broke: Break | 'stopped' | undefined;
  for (;;) {
    if (running) broke = await watchUntilBroken(config, running, opts);
    if (broke === 'stopped') {
      running?.spark.close();
      return { outcome: 'stopped' };
    }
    if (opts.signal.aborted || !broke) return { outcome: 'interrupted', running };
    const failedAt = Date.now();
    const observations = await observe(config, bindings, broke);
    const failure = diagnose(observations);
    opts.onEvent({ type: 'failed', failure, message: describeFailure(failure, policy), queries: observations.queryExceptions });
    if (running) await releasePipeline(running, { serverGone: failure.kind === 'spark-gone' });
    running = undefined;
    const decision = decideRestart(policy, history, failedAt);
    if (decision.action === 'give-up') return { outcome: 'gave-up', failure, reason: decision.reason };
    if (!(await waitUntilBack(config, bindings, policy, failure, failedAt, opts))) {
      if (opts.signal.aborted) return { outcome: 'interrupted' };
      return { outcome: 'gave-up', failure, reason: `still not back after ${Math.round(policy.waitMs / 1000)} s (stream.restart.waitMs)` };
    }
    await systemClock.sleep(Math.max(0, failedAt + decision.delayMs - Date.now()), opts.signal);
    if (opts.signal.aborted) return { outcome: 'interrupted' };
    history = decision.history;
    try {
      running = await startQueries(config, bindings);
    } catch (error) {
      // Counts as the next failure of the streak (e.g. the server answers but cannot start queries yet).
      broke = { error };
      continue;
    }
    history = { ...history, runningSince: Date.now() };
    opts.onEvent({ type: 'resumed', queries: running.queries.length, afterMs: Date.now() - failedAt, attempt: decision.attempt, maxRestarts: policy.maxRestarts, session: running.session.sessionId });
  }
}
