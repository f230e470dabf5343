import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { producePipeline, topicSettings } from '../src/app/produce.js';
import { kafkaBootstrap } from '../src/config/index.js';
import { configuredKafkaAdmin, ensureTopics } from '../src/kafka/index.js';
import { createKafkaProducer, type OutgoingMessage } from '../src/produce/index.js';
import { BUILTIN, BUILTIN_TOPICS } from '../harness/builtin-pipeline.js';
import { startApiServer, type ApiServer } from '../src/source/index.js';
import { wholeSetting, type Benchmark, type Contender, type RunOptions, type Sample } from './harness.js';
import { requireBenchJars, startJava } from './jvm.js';
import { meanValueBytes, pipelineMessages } from './messages.js';
import { startBenchServices, type BenchServices } from './services.js';

/**
 * `produce`: our producer (src/produce: idempotent, acks=all, lz4, linger 5 ms, its batching) against
 * Kafka's own ProducerPerformance with the same settings, the same payloads (the JSON values our
 * producer builds for seeded users, written to its --payload-file) and the same count, each into a
 * fresh topic of the product's partition count on the same broker. Both figures are timed the same
 * way: from the first send to the last acknowledgement (ProducerPerformance's own summary line;
 * ours around send + flush); JVM and client start-up are in `total`, not in records/s.
 * A third, untargeted contender is the whole `streamline produce` path (local API fetch, normalise,
 * envelope, produce to the four topics), as the issue measured it.
 */

interface Env {
  services: BenchServices;
  messages: OutgoingMessage[];
  payloadFile: string;
  users: number;
  seed: string;
  api: ApiServer;
  topicSeq: number;
}

const OURS = 'streamline producer';
const THEIRS = 'ProducerPerformance';
const END_TO_END = 'streamline produce (API+producer)';
/**
 * Java's default batch.size (16 KiB per partition, ~40 of our records) is far below what our producer
 * puts in one request (up to 2,000 records over all partitions): a second Java row with batches about
 * as large as ours shows how much of the ratio is batching.
 */
const THEIRS_BIG_BATCHES = 'ProducerPerformance (batch.size 256 KiB)';
const BIG_BATCH_PROPS = ['batch.size=262144'];

/** The producer settings both sides use: the product's defaults, spelled out for the Java client. */
export const JAVA_PRODUCER_PROPS = ['acks=all', 'enable.idempotence=true', 'compression.type=lz4', 'linger.ms=5'];

/** ProducerPerformance's final line: "80000 records sent, 41322.3 records/sec (20.11 MB/sec), 512.3 ms avg latency, ..." */
export function parseProducerPerformance(line: string): { records: number; recordsPerSec: number; mbPerSec: number; avgLatencyMs: number } | undefined {
  const m = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(line.trim());
  return m ? { records: Number(m[1]), recordsPerSec: Number(m[2]), mbPerSec: Number(m[3]), avgLatencyMs: Number(m[4]) } : undefined;
}

async function freshTopic(env: Env, label: string, count = 1): Promise<string[]> {
  const topics = Array.from({ length: count }, (_, i) => `bench.produce.${label}.${++env.topicSeq}${count > 1 ? `.${i}` : ''}`);
  const admin = configuredKafkaAdmin(env.services.config, 'streamline-admin');
  try {
    await ensureTopics(admin, topics, topicSettings(env.services.config));
  } finally {
    await admin.close().catch(() => undefined);
  }
  return topics;
}

const bytesOf = (messages: OutgoingMessage[]) => messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);

const ours: Contender<Env> = {
  name: OURS,
  async run(env) {
    const [topic] = await freshTopic(env, 'ours');
    const t0 = Date.now();
    const producer = createKafkaProducer({ bootstrapServers: kafkaBootstrap(env.services.config), clientId: 'bench-produce' });
    const sendStart = Date.now();
    const reports = await Promise.all(env.messages.map((m) => producer.send({ ...m, topic: topic! })));
    await producer.flush();
    const sendEnd = Date.now();
    await producer.close();
    const failed = reports.filter((r) => !r.ok).length;
    if (failed) throw new Error(`${OURS}: ${failed} of ${reports.length} records failed`);
    const seconds = (sendEnd - sendStart) / 1000;
    return {
      metrics: { records_per_s: reports.length / seconds, mb_per_s: bytesOf(env.messages) / 2 ** 20 / seconds, total_s: (Date.now() - t0) / 1000 },
      notes: { topic, records: reports.length },
    };
  },
};

const theirs = (options: RunOptions, name: string, extraProps: string[] = []): Contender<Env> => ({
  name,
  async run(env) {
    const [topic] = await freshTopic(env, 'theirs');
    const t0 = Date.now();
    const java = startJava(env.services.config, {
      mainClass: 'org.apache.kafka.tools.ProducerPerformance',
      heap: '512m',
      logFile: join(env.services.config.stateDir, `producer-performance-${env.topicSeq}.log`),
      args: [
        '--topic', topic!,
        '--num-records', String(env.messages.length),
        '--throughput', '-1',
        '--payload-file', env.payloadFile,
        '--producer-props', `bootstrap.servers=${kafkaBootstrap(env.services.config)}`, 'client.id=bench-producer-performance', ...JAVA_PRODUCER_PROPS, ...extraProps,
      ],
    });
    const onAbort = () => void java.stop();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const code = await java.exited.finally(() => options.signal.removeEventListener('abort', onAbort));
    const total = (Date.now() - t0) / 1000;
    const summary = java.lines.map(parseProducerPerformance).filter((s) => s !== undefined).pop();
    if (code !== 0 || !summary) throw new Error(`${name} exited ${code} without its summary line; last lines:\n${java.lines.slice(-15).join('\n')}`);
    if (summary.records !== env.messages.length) throw new Error(`${name} sent ${summary.records} records, expected ${env.messages.length}`);
    // Its MB/s counts payload bytes, as ours does.
    return { metrics: { records_per_s: summary.recordsPerSec, mb_per_s: summary.mbPerSec, total_s: total }, notes: { topic, records: summary.records, avgLatencyMs: summary.avgLatencyMs } };
  },
});

const endToEnd: Contender<Env> = {
  name: END_TO_END,
  async run(env, rep): Promise<Sample> {
    const topicNames = Object.fromEntries(BUILTIN_TOPICS.map((t) => [t, `bench.produce.e2e.${++env.topicSeq}.${t}`]));
    const t0 = Date.now();
    const config = env.services.config;
    const summary = await producePipeline({ ...config, api: { ...config.api, url: env.api.url } }, BUILTIN, {
      topics: BUILTIN_TOPICS,
      topicNames,
      count: env.users,
      seed: `${env.seed}-${rep.index}`,
      batchSize: 500,
    });
    const records = Object.values(summary.produced).reduce((a, b) => a + b, 0);
    const failed = Object.values(summary.failed).reduce((a, b) => a + b, 0);
    if (failed || records !== env.messages.length) throw new Error(`${END_TO_END}: ${records} produced, ${failed} failed, expected ${env.messages.length}`);
    // The summary's elapsed covers fetching and producing, not the topic creation before it.
    const seconds = summary.elapsedMs / 1000;
    return { metrics: { records_per_s: records / seconds, total_s: (Date.now() - t0) / 1000 }, notes: { records } };
  },
};

const bench: Benchmark<Env> = {
  name: 'produce',
  description: 'our producer vs Kafka ProducerPerformance (acks=all, idempotent, lz4, linger 5 ms, same payloads and count, same broker)',
  metrics: [
    { name: 'records_per_s', unit: 'records/s', better: 'higher' },
    { name: 'mb_per_s', unit: 'MiB/s', better: 'higher' },
    { name: 'total_s', unit: 's incl. start-up', better: 'lower' },
  ],
  ratios: [[OURS, THEIRS, 1.0], [OURS, THEIRS_BIG_BATCHES], [END_TO_END, THEIRS]],
  async setup(options) {
    const users = wholeSetting(options.settings, 'users', options.quick ? 500 : 20_000);
    const services = await startBenchServices('produce', { only: ['kafka'], log: options.log });
    try {
      requireBenchJars(services.config);
      const seed = options.settings.seed ?? 'bench-produce';
      const messages = await pipelineMessages(users, seed);
      const payloadFile = join(services.config.stateDir, 'payloads.txt');
      writeFileSync(payloadFile, messages.map((m) => m.value).join('\n'));
      options.log(`produce: ${messages.length} records (${users} users x 4 topics), mean value ${Math.round(meanValueBytes(messages))} bytes, ${services.config.kafka.partitions} partition(s) per topic`);
      const api = await startApiServer({ host: '127.0.0.1', port: 0 });
      return { services, messages, payloadFile, users, seed, api, topicSeq: 0 };
    } catch (e) {
      await services.stop();
      throw e;
    }
  },
  async teardown(env) {
    await env.api.close();
    await env.services.stop();
  },
  // The big-batch row is a sensitivity check: a quick run (the CI smoke) leaves it out.
  contenders: (_env, options) => [ours, theirs(options, THEIRS), endToEnd, ...(options.quick ? [] : [theirs(options, THEIRS_BIG_BATCHES, BIG_BATCH_PROPS)])],
};

export default bench;
