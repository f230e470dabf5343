// The ScenarioContext a scenario runs with: its own database, checkpoints, ack log and work dir on the
// shared cluster, a producer CLI child process, node kills and restarts, and the recovery-time clock.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStreaming } from '../src/app/streaming.js';
import type { StreamlineConfig } from '../src/config/index.js';
import { deriveSeed, seededRandom } from '../src/source/index.js';
import { kafkaClusterView, pidAlive, readRecord, up } from '../src/runtime/index.js';
import { startApiServer, type ApiServer } from '../src/source/index.js';
import type { TopicBinding } from '../src/stream/index.js';
import { builtinBindings } from '../harness/builtin-pipeline.js';
import { eventually } from '../harness/poll.js';
import { missingFromStore, type Ack } from './checker.js';
import type { ClusterControl, ProducerProcess, ProducerRun, ScenarioContext } from './scenario.js';
import { readAckLog, readStore } from './store.js';
import { spawnCli } from '../harness/cli.js';


export interface ContextOptions {
  base: StreamlineConfig;
  scenarioId: string;
  seed: string;
  quick: boolean;
  users: number;
  /** Where this run keeps its files: <dir>/<scenario id>/. */
  runDir: string;
  log: (line: string) => void;
}

/** The fault the scenario marked, and when the store had caught up with what was acknowledged before it. */
export interface FaultClock {
  what?: string;
  at?: number;
  recoveredAt?: number;
}

export interface BuiltContext {
  ctx: ScenarioContext;
  fault: FaultClock;
  producers: ProducerProcess[];
  apis: ApiServer[];
  /** Stops the recovery-time poller (the runner calls it once the store has settled or the deadline passed). */
  stopClock(): void;
}

function clusterControl(config: StreamlineConfig, ackLog: string, topics: readonly string[]): ClusterControl {
  const record = (name: string) => {
    const r = readRecord(config, name);
    if (!r) throw new Error(`no process record for ${name} in ${config.stateDir}`);
    return r;
  };
  return {
    record,
    stop: async (name, signal) => {
      const { pid } = record(name);
      process.kill(pid, signal);
      await eventually(() => !pidAlive(pid), { timeoutMs: 60_000, intervalMs: 200, what: `${name} (pid ${pid}) to exit after ${signal}` });
    },
    restartMissing: async () => (await up(config)).started.map((r) => r.name),
    busiestLeader: async (topic) => {
      const perPartition = new Map<number, number>();
      for (const ack of readAckLog(ackLog)) if (ack.topic === topic) perPartition.set(ack.partition, (perPartition.get(ack.partition) ?? 0) + 1);
      const [busiest] = [...perPartition.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0];
      const view = await kafkaClusterView(config, topics);
      const leader = view.topics.find((t) => t.topic === topic)?.partitions[busiest]?.leader;
      if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic} partition ${busiest}`);
      return `kafka-${leader}`;
    },
    waitFullIsr: async (timeoutMs = 120_000) => {
      const t0 = Date.now();
      await eventually(
        async () => {
          const view = await kafkaClusterView(config, topics);
          return view.brokers.length === config.cluster.kafkaBrokers && view.topics.every((t) => t.partitions.every((p) => p.isr.length === p.replicas.length));
        },
        { timeoutMs, intervalMs: 1_000, what: 'every partition ISR full again' },
      );
      return Date.now() - t0;
    },
  };
}

function startProducerProcess(configFile: string, ackLog: string, logFile: string, defaults: { seed: string; users: number }, run: ProducerRun = {}): ProducerProcess {
  const args = [
    'produce',
    '-c', configFile,
    '--count', String(run.count ?? defaults.users),
    '--seed', run.seed ?? defaults.seed,
    '--batch-size', String(run.batchSize ?? 25),
    '--interval', run.interval ?? '0..20ms',
    '--ack-log', ackLog,
    ...(run.apiUrl ? ['--api-url', run.apiUrl] : []),
    ...(run.args ?? []),
  ];
  const child = spawnCli(args);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      writeFileSync(logFile, `${output}\n[exit ${signal ?? code}]\n`);
      done({ code, signal });
    }),
  );
  return { pid: child.pid as number, exited, kill: (signal) => child.kill(signal), output: () => output };
}

/** A producer SIGKILLed mid-write leaves a partial last line; the next producer appends after the last whole one. */
function dropTornLine(path: string): void {
  const text = readFileSync(path, 'utf8');
  if (text !== '' && !text.endsWith('\n')) writeFileSync(path, text.slice(0, text.lastIndexOf('\n') + 1));
}

/** Polls the store every 2 s until every record acknowledged before the fault is in it. */
function startRecoveryClock(config: StreamlineConfig, bindings: TopicBinding[], before: Ack[], fault: FaultClock): () => void {
  let stopped = false;
  const poll = async () => {
    while (!stopped && fault.recoveredAt === undefined) {
      try {
        if (missingFromStore(before, await readStore(config, bindings)) === 0) fault.recoveredAt = Date.now();
      } catch {
        // The store may be the thing that is down: keep polling.
      }
      if (fault.recoveredAt === undefined) await new Promise((r) => setTimeout(r, 2_000));
    }
  };
  void poll();
  return () => (stopped = true);
}

export function buildContext(opts: ContextOptions): BuiltContext {
  const workDir = join(opts.runDir, opts.scenarioId);
  mkdirSync(workDir, { recursive: true });
  const database = `faults_${opts.scenarioId.replace(/[^A-Za-z0-9]/g, '_')}_${Date.now().toString(36)}`;
  const config: StreamlineConfig = { ...opts.base, mongo: { ...opts.base.mongo, database }, stream: { ...opts.base.stream, checkpointDir: join(workDir, 'checkpoints') } };
  const configFile = join(workDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const ackLog = join(workDir, 'acks.jsonl');
  writeFileSync(ackLog, '');
  const bindings = builtinBindings(config.topics);
  const fault: FaultClock = {};
  const producers: ProducerProcess[] = [];
  const apis: ApiServer[] = [];
  let stopClock = () => undefined as unknown;
  const ctx: ScenarioContext = {
    config,
    configFile,
    bindings,
    seed: opts.seed,
    random: seededRandom(deriveSeed(opts.seed, opts.scenarioId)),
    quick: opts.quick,
    users: opts.users,
    workDir,
    ackLog,
    cluster: clusterControl(config, ackLog, bindings.map((b) => b.topic)),
    log: (line) => opts.log(`[${opts.scenarioId}] ${line}`),
    startStreaming: async () => {
      const started = await startStreaming(config, bindings);
      started.spark.close();
    },
    startProducer: (run) => {
      dropTornLine(ackLog);
      const producer = startProducerProcess(configFile, ackLog, join(workDir, `producer-${producers.length + 1}.log`), { seed: opts.seed, users: opts.users }, run);
      producers.push(producer);
      return producer;
    },
    waitForAcks: async (records, producer, timeoutMs = 300_000) => {
      let ended = false;
      void producer.exited.then(() => (ended = true));
      // Not `eventually`: a producer that ended early must fail at once, not at the deadline.
      const deadline = Date.now() + timeoutMs;
      while (readAckLog(ackLog).length < records) {
        if (ended) throw new Error(`the producer ended before ${records} acknowledgements:\n${producer.output().slice(-2_000)}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${records} acknowledged records in ${ackLog}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    startApi: async (faults) => {
      const api = await startApiServer({ host: config.api.host, port: 0, faults });
      apis.push(api);
      return api;
    },
    markFault: (what) => {
      if (fault.at !== undefined) throw new Error(`markFault called twice (${fault.what}, then ${what})`);
      fault.what = what;
      fault.at = Date.now();
      stopClock = startRecoveryClock(config, bindings, readAckLog(ackLog), fault);
    },
  };
  return { ctx, fault, producers, apis, stopClock: () => void stopClock() };
}
