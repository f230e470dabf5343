// Pure decisions of the streaming supervisor (src/app/supervise-streaming.ts): what broke, whether to
// restart, and after how long. No I/O here, so every rule is unit-tested (test/unit/app/recovery-policy).

import { backoffMs, type Backoff } from '../core/clock.js';

/** Why the pipeline stopped making progress; each kind has its own "is it back?" check before a restart. */
export type FailureKind = 'spark-gone' | 'checkpoint-unwritable' | 'store-unavailable' | 'kafka-unavailable' | 'query-failed';

export interface Failure {
  kind: FailureKind;
  /** What is affected: the Spark Connect or store address, the checkpoint path, the failed query names. */
  subject: string;
  /** The underlying error text, for the log and the final message. */
  detail: string;
}

/** stream.restart in the config. */
export interface RestartPolicy {
  /** Restarts allowed in one streak of failures; 0 = stop at the first failure (the old behaviour). */
  maxRestarts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A pipeline that has run this long since its last restart starts a new streak (budget reset). */
  healthyAfterMs: number;
  /** How long to wait for a gone service or an unwritable checkpoint to come back before giving up. */
  waitMs: number;
  /** Restart the local Spark Connect server when its recorded process died (not when `down` stopped it). */
  restartDriver: boolean;
}

/** What the supervisor remembers between failures. */
export interface RestartHistory {
  /** Restarts in the current streak. */
  restarts: number;
  /** When the pipeline was last (re)started, ms since the epoch; undefined while a restart is pending. */
  runningSince: number | undefined;
}

export type RestartDecision =
  | { action: 'restart'; attempt: number; delayMs: number; history: RestartHistory }
  | { action: 'give-up'; reason: string };

/**
 * The detached supervisor's policy: the same backoff, but no give-up window (no restart budget, no
 * limit on waiting for a cause to go away): a pipeline left running must come back whenever it can.
 */
export const withoutGiveUp = (policy: RestartPolicy): RestartPolicy => ({ ...policy, maxRestarts: Number.POSITIVE_INFINITY, waitMs: Number.POSITIVE_INFINITY });

/** The policy's restart backoff (initial, 2x, 4x, ... capped at maxBackoffMs), for backoffMs. */
export const restartBackoff = (policy: RestartPolicy): Backoff => ({ initialMs: policy.initialBackoffMs, maxMs: policy.maxBackoffMs });

/** Whether (and when) to restart after a failure observed at `now`. */
export function decideRestart(policy: RestartPolicy, history: RestartHistory, now: number): RestartDecision {
  const healthy = history.runningSince !== undefined && now - history.runningSince >= policy.healthyAfterMs;
  const streak = healthy ? 0 : history.restarts;
  if (streak >= policy.maxRestarts) {
    return {
      action: 'give-up',
      reason:
        policy.maxRestarts === 0
          ? 'restarts are off (stream.restart.maxRestarts = 0)'
          : `${streak} restarts within ${Math.round(policy.healthyAfterMs / 1000)} s of each other (stream.restart.maxRestarts = ${policy.maxRestarts})`,
    };
  }
  const attempt = streak + 1;
  return { action: 'restart', attempt, delayMs: backoffMs(restartBackoff(policy), attempt), history: { restarts: attempt, runningSince: undefined } };
}

/** What the supervisor saw when the watch loop broke off. */
export interface Observations {
  /** The error raised while talking to Spark Connect, if that is what broke. */
  sparkError?: { name: string; errorClass?: string; message: string };
  /** Exceptions of the queries that stopped. */
  queryExceptions: { query: string; message: string }[];
  /** A checkpoint dir that could not be written just now (probed by the supervisor). */
  checkpointProblem?: { path: string; reason: string };
  /** Whether the store answered a ping just now. */
  storeReachable: boolean;
  /** Whether Kafka answered a metadata request just now (undefined: not probed). */
  kafkaReachable?: boolean;
  sparkAddress: string;
  storeAddress: string;
  kafkaAddress?: string;
}

const SPARK_GONE_ERRORS = new Set(['SparkUnavailableError', 'SparkTimeoutError']);
/** The MongoDB Java driver's words for "nothing answers" (server selection, socket, connection pool). */
const STORE_DOWN_TEXT = /com\.mongodb\.Mongo\w*(Timeout|Socket|Network|Connection|Interrupted)\w*Exception|while waiting for a server|Exception (opening|receiving|sending)|Connection refused/i;
/** Spark's Kafka source when the brokers do not answer (consumer timeouts while fetching positions or metadata). */
const KAFKA_DOWN_TEXT = /position for partition .* could be determined|org\.apache\.kafka\.common\.errors\.(TimeoutException|DisconnectException)|Timed out waiting for a node assignment/i;
const DISK_TEXT = /Read-only file system|Operation not permitted|Permission denied|AccessDeniedException|No space left on device|Disk quota exceeded/i;
/** A file: path in a Java exception message (Hadoop reports checkpoint files as file:/...). */
const FILE_PATH = /file:(\/[^\s'",;)\]]+)/;

/**
 * The most specific cause the observations support. Probes beat message text: a checkpoint dir that
 * cannot be written is the cause even when Spark words it differently, and so is a store that does
 * not answer; the message text catches causes that were already gone when the probes ran.
 */
export function diagnose(obs: Observations): Failure {
  const { sparkError } = obs;
  if (sparkError && (SPARK_GONE_ERRORS.has(sparkError.name) || sparkError.errorClass?.startsWith('INVALID_HANDLE'))) {
    return { kind: 'spark-gone', subject: obs.sparkAddress, detail: sparkError.message };
  }
  const text = [sparkError?.message, ...obs.queryExceptions.map((e) => e.message)].filter(Boolean).join('\n');
  const detail = text || 'a query stopped without an exception';
  if (obs.checkpointProblem) return { kind: 'checkpoint-unwritable', subject: obs.checkpointProblem.path, detail: `${obs.checkpointProblem.reason}${text ? `; Spark said: ${firstLine(text)}` : ''}` };
  if (!obs.storeReachable || STORE_DOWN_TEXT.test(text)) return { kind: 'store-unavailable', subject: obs.storeAddress, detail };
  if (obs.kafkaReachable === false || KAFKA_DOWN_TEXT.test(text)) return { kind: 'kafka-unavailable', subject: obs.kafkaAddress ?? 'Kafka', detail };
  if (DISK_TEXT.test(text)) return { kind: 'checkpoint-unwritable', subject: FILE_PATH.exec(text)?.[1] ?? 'the checkpoint dir', detail };
  return { kind: 'query-failed', subject: obs.queryExceptions.map((e) => e.query).join(', ') || 'the pipeline', detail };
}

export const firstLine = (text: string): string => text.split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';

/** One sentence per cause: what is wrong and what a person can do about it. */
export function describeFailure(failure: Failure, policy: RestartPolicy): string {
  const wait = Number.isFinite(policy.waitMs) ? `up to ${Math.round(policy.waitMs / 1000)} s (stream.restart.waitMs)` : 'with no time limit (detached supervisor)';
  switch (failure.kind) {
    case 'spark-gone':
      return `Spark Connect at ${failure.subject} is gone; waiting ${wait} for it to come back`;
    case 'store-unavailable':
      return `the store at ${failure.subject} is not answering (${firstLine(failure.detail)}); waiting ${wait} for it`;
    case 'kafka-unavailable':
      return `Kafka at ${failure.subject} is not answering (${firstLine(failure.detail)}); waiting ${wait} for it`;
    case 'checkpoint-unwritable':
      return (
        `the checkpoint dir ${failure.subject} is not writable (${firstLine(failure.detail)}): make it writable again ` +
        `(remount it read-write, \`chattr -R -i\`, free disk space or fix its permissions); the queries resume from it as soon as it is, waiting ${wait}`
      );
    case 'query-failed':
      return `query ${failure.subject} failed: ${firstLine(failure.detail)}`;
  }
}
