// The fault suite's contract: what a scenario gets (a running cluster-mode runtime and helpers to drive
// it) and what it hands back to the checker. Scenario files live in faults/scenarios/<id>-<name>.ts and
// are registered in faults/scenarios/index.ts. Keep this interface stable: other branches build on it.
import type { StreamlineConfig } from '../src/config/index.js';
import type { RandomSource } from '../src/source/index.js';
import type { ServiceRecord } from '../src/runtime/index.js';
import type { ApiServer, FaultOptions } from '../src/source/index.js';
import type { TopicBinding } from '../src/stream/index.js';
import type { KafkaPosition } from './checker.js';

export interface Scenario {
  /** Short id used on the command line and in the table: '1', '3', '8', 'secrets'. */
  id: string;
  /** What is done to the pipeline, in a few words: 'leader broker SIGKILLed, restarted'. */
  name: string;
  /** Part of `npm run faults -- --quick` and of `npm test`. */
  inQuick: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** What a scenario reports beyond the producer's ack log and the store, which the runner reads itself. */
export interface ScenarioOutcome {
  /** Records the scenario wrote straight to Kafka that must each be in dead_letters exactly once. */
  expectedDeadLetters?: KafkaPosition[];
  /**
   * Records written outside the ack log that may legitimately be in the store (e.g. delivered by a
   * producer killed before it logged the acknowledgement): user id per topic. Counted, not unexpected.
   */
  toleratedKeys?: { topic: string; key: string }[];
  /** Figures worth keeping (restart times, at-least-once window, ...); they go into the JSON result. */
  measurements?: Record<string, number | string>;
  /** Why a non-zero lost/duplicated cell is what it is and which guarantee holds instead (for RELIABILITY.md). */
  explanation?: string;
  /**
   * Checks of the scenario's own (e.g. the secret scan's hits, an error message naming a path): each
   * failed one fails the scenario. Empty or absent: only the lost/duplicated/unexpected invariant counts.
   */
  failedChecks?: string[];
}

export interface ProducerRun {
  /** Users to produce (one record per topic each). Default: ctx.users. */
  count?: number;
  /** Default: ctx.seed. The same seed yields the same users in the same order. */
  seed?: string;
  /** Users per API request. Default 25. */
  batchSize?: number;
  /** Gap between fetches, as `--interval` reads it. Default '0..20ms'. */
  interval?: string;
  /** Fetch from this API instead of a well-behaved one the runner starts. */
  apiUrl?: string;
  /** Extra CLI arguments for `streamline produce`. */
  args?: string[];
}

/** A `streamline produce --ack-log` child process. */
export interface ProducerProcess {
  pid: number;
  /** Resolves when the process ended, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/** The cluster's nodes, by their record name: kafka-1..3, spark-master, spark-worker-1..2, spark-connect, ferretdb. */
export interface ClusterControl {
  record(name: string): ServiceRecord;
  /** Sends `signal` to the node's process and waits until it is gone (deadline 60 s). */
  stop(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts every node that is not running (`streamline up` again) and waits until each is healthy; returns their names. */
  restartMissing(): Promise<string[]>;
  /** The broker (kafka-N) leading the partition that has received the most records of `topic` so far. */
  busiestLeader(topic: string): Promise<string>;
  /** Waits until every partition of the pipeline's topics has its full ISR again; returns how long it took. */
  waitFullIsr(timeoutMs?: number): Promise<number>;
}

export interface ScenarioContext {
  /** The scenario's configuration: the running cluster, plus its own database and checkpoint dir. */
  readonly config: StreamlineConfig;
  /** The same configuration as a JSON file, for `streamline <command> -c <file>` child processes. */
  readonly configFile: string;
  readonly bindings: TopicBinding[];
  readonly seed: string;
  /** Seeded from `seed`: the same seed makes the same choices (which partition, when to strike). */
  readonly random: RandomSource;
  readonly quick: boolean;
  /** Users per producer run at this size (quick or full). */
  readonly users: number;
  /** A directory of the scenario's own (ack log, producer output). */
  readonly workDir: string;
  /** The ack log every producer of this scenario appends to; the checker reads it. */
  readonly ackLog: string;
  readonly cluster: ClusterControl;
  log(line: string): void;
  /** Starts the streaming queries on the scenario's database (topics were emptied before the scenario). */
  startStreaming(): Promise<void>;
  /** Starts `streamline produce --ack-log <ctx.ackLog>` as a child process. */
  startProducer(run?: ProducerRun): ProducerProcess;
  /** Waits until the ack log holds at least `records` lines; fails if the producer ends first. */
  waitForAcks(records: number, producer: ProducerProcess, timeoutMs?: number): Promise<void>;
  /** A local Random User API (optionally misbehaving), closed by the runner after the scenario. */
  startApi(faults?: FaultOptions): Promise<ApiServer>;
  /**
   * Marks the moment the fault strikes: recovery time runs from here until every record acknowledged
   * before this moment is in the store.
   */
  markFault(what: string): void;
}
