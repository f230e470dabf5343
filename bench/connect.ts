import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaBootstrap, mongoUri, type StreamlineConfig } from '../src/config/index.js';
import { log4jConfig } from '../src/runtime/spec.js';
import type { TopicBinding } from '../src/stream/index.js';
import { benchPlugins, requireFreePort, startJava, type JavaRun } from './jvm.js';

/**
 * The `peer` reference: a Kafka Connect 4.1.1 standalone worker running the official MongoDB sink
 * connector (mongo-kafka-connect 2.0.1), configured to upsert every record by `_id` = the user id:
 * the value's top-level `id` is renamed to `_id` (ReplaceField SMT), ProvidedInValueStrategy takes it
 * as the document id and ReplaceOneDefaultStrategy replaces-or-inserts by it (the connector's
 * equivalent of ReplaceOneBusinessKeyStrategy with the id as business key, without a second index).
 */

export type Properties = Record<string, string | number | boolean>;

export const toProperties = (props: Properties): string =>
  `${Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;

export function workerProperties(config: StreamlineConfig, opts: { dir: string; restPort: number }): Properties {
  return {
    'bootstrap.servers': kafkaBootstrap(config),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': false,
    'offset.storage.file.filename': join(opts.dir, 'offsets'),
    'plugin.path': benchPlugins(config),
    listeners: `http://${config.kafka.host}:${opts.restPort}`,
  };
}

export function sinkProperties(config: StreamlineConfig, opts: { name: string; database: string; bindings: TopicBinding[]; tasks: number }): Properties {
  const [first] = opts.bindings;
  if (!first) throw new Error('the sink needs at least one topic');
  return {
    name: opts.name,
    'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
    'tasks.max': opts.tasks,
    topics: opts.bindings.map((b) => b.topic).join(','),
    'connection.uri': mongoUri(config),
    database: opts.database,
    collection: first.collection,
    ...Object.fromEntries(opts.bindings.map((b) => [`topic.override.${b.topic}.collection`, b.collection])),
    transforms: 'idAsDocumentId',
    'transforms.idAsDocumentId.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
    'transforms.idAsDocumentId.renames': 'id:_id',
    'document.id.strategy': 'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
    // The value already carries `_id` (renamed above): without this the connector keeps it anyway but
    // logs a WARN line per record, which would slow the reference down for nothing.
    'document.id.strategy.overwrite.existing': true,
    'writemodel.strategy': 'com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneDefaultStrategy',
  };
}

/** A sink task that has started consuming: the end of the worker's start-up. */
export const SINK_TASK_STARTED = /Sink task finished initialization and (its )?start|Executing sink task/;

/** Writes the worker's files into `dir` and starts it; the caller stops it. */
export async function startConnectWorker(config: StreamlineConfig, opts: { dir: string; restPort: number; sink: Properties; heap?: string }): Promise<JavaRun> {
  await requireFreePort(config.kafka.host, opts.restPort, 'connect');
  mkdirSync(opts.dir, { recursive: true });
  const worker = join(opts.dir, 'worker.properties');
  const sink = join(opts.dir, 'sink.properties');
  const log4j = join(opts.dir, 'log4j2.properties');
  writeFileSync(worker, toProperties(workerProperties(config, opts)));
  writeFileSync(sink, toProperties(opts.sink));
  // INFO is what says when the sink tasks started; the noisy config dumps stay out.
  writeFileSync(log4j, log4jConfig('INFO', { 'org.apache.kafka.clients': 'WARN', 'org.apache.kafka.common.config.AbstractConfig': 'WARN', 'org.reflections': 'ERROR' }));
  return startJava(config, {
    mainClass: 'org.apache.kafka.connect.cli.ConnectStandalone',
    args: [worker, sink],
    heap: opts.heap ?? '1g',
    jvmArgs: [`-Dlog4j2.configurationFile=${log4j}`],
    logFile: join(opts.dir, 'connect.log'),
  });
}
