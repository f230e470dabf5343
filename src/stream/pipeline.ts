import { join } from 'node:path';
import type { SparkSession, StreamingQuery, Trigger } from '@streamline/spark-connect';
import { DEAD_LETTER_QUERY, ingestQueryName, type TopicBinding } from './bindings.js';
import { reportFromProgress, type QueryReport } from './progress.js';
import { deadLetterCollection, deadLetterFrame, ingestFrame, mongoSinkOptions, type MongoTarget, type SourceOptions } from './queries.js';

/** Everything that defines the running pipeline; checkpoints make it resumable after any crash. */
export interface PipelineSpec {
  bindings: TopicBinding[];
  source: SourceOptions;
  mongo: MongoTarget;
  checkpointDir: string;
  trigger: Trigger;
  /** Write tasks per query and micro-batch (config stream.writeTasks); 0 = one per Kafka partition. */
  writeTasks: number;
}

export const checkpointFor = (spec: PipelineSpec, queryName: string) => join(spec.checkpointDir, queryName);

/**
 * The queries this pipeline must have running, by name: the one list that `stream status`, the
 * dashboard, /metrics and the supervisor hold the running queries against. startPipeline starts
 * exactly these (it checks), so a change of the pipeline's shape is an edit here and there only.
 */
export const expectedQueries = (bindings: TopicBinding[]): string[] => [...bindings.map(ingestQueryName), DEAD_LETTER_QUERY];

/**
 * What makes two runs the same pipeline, without secrets (no URIs, no Kafka options): a `stream start`
 * that finds queries running adopts them only when this matches what they were started with.
 */
export interface PipelineDefinition {
  queries: string[];
  /** topic -> schema -> collection, per binding. */
  bindings: string[];
  database: string;
  checkpointDir: string;
  trigger: string;
  startingOffsets: string;
  maxOffsetsPerTrigger: number;
  writeTasks: number;
}

export const pipelineDefinition = (spec: PipelineSpec): PipelineDefinition => ({
  queries: expectedQueries(spec.bindings),
  bindings: spec.bindings.map((b) => `${b.topic} -> ${b.collection} (schema ${b.schema})`),
  database: spec.mongo.database,
  checkpointDir: spec.checkpointDir,
  trigger: JSON.stringify(spec.trigger),
  startingOffsets: spec.source.startingOffsets,
  maxOffsetsPerTrigger: spec.source.maxOffsetsPerTrigger,
  writeTasks: spec.writeTasks,
});

/** Each key whose value differs, as "key: running X, asked for Y" ([] when the definitions match). */
export function definitionDifferences(running: PipelineDefinition, asked: PipelineDefinition): string[] {
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return (Object.keys(asked) as (keyof PipelineDefinition)[])
    .filter((key) => show(running[key]) !== show(asked[key]))
    .map((key) => `${key}: running ${show(running[key])}, asked for ${show(asked[key])}`);
}

/**
 * Starts one ingest query per topic and one dead-letter query for all of them. On any failure the
 * queries already started are stopped, so a half-started pipeline is never left behind.
 */
export async function startPipeline(spark: SparkSession, spec: PipelineSpec): Promise<StreamingQuery[]> {
  const started: StreamingQuery[] = [];
  const start = async (name: string, frame: ReturnType<typeof ingestFrame>, collection: string) => {
    const query = await (spec.writeTasks > 0 ? frame.coalesce(spec.writeTasks) : frame).writeStream
      .format('mongodb')
      .options(mongoSinkOptions(spec.mongo, collection))
      .outputMode('append')
      .trigger(spec.trigger)
      .queryName(name)
      .checkpointLocation(checkpointFor(spec, name))
      .start();
    started.push(query);
  };
  try {
    for (const binding of spec.bindings) {
      await start(ingestQueryName(binding), ingestFrame(spark, binding, spec.source), binding.collection);
    }
    await start(DEAD_LETTER_QUERY, deadLetterFrame(spark, spec.bindings, spec.source), deadLetterCollection);
    const names = started.map((q) => q.name ?? q.id);
    if (names.join() !== expectedQueries(spec.bindings).join()) throw new Error(`startPipeline started [${names.join(', ')}] but expectedQueries() says [${expectedQueries(spec.bindings).join(', ')}]: keep them in step`);
  } catch (e) {
    await Promise.allSettled(started.map((q) => q.stop()));
    throw e;
  }
  return started;
}

/** The session's queries that belong to this pipeline (by name). */
export async function pipelineQueries(spark: SparkSession, bindings: TopicBinding[]): Promise<StreamingQuery[]> {
  const names = new Set(expectedQueries(bindings));
  return (await spark.streams.active()).filter((q) => q.name !== undefined && q.name !== null && names.has(q.name));
}

export async function queryReport(query: StreamingQuery): Promise<QueryReport> {
  const [active, recent, exception] = await Promise.all([query.isActive(), query.recentProgress(), query.exception()]);
  const report = reportFromProgress(query.name ?? query.id, query.id, active, recent);
  report.rowsWritten = recent.reduce((sum, p) => sum + (p.sink?.numOutputRows ?? 0), 0);
  if (exception) report.exception = exception.errorClass ? `${exception.errorClass}: ${exception.message}` : exception.message;
  return report;
}

/** Stops queries and waits until each is inactive. */
export async function stopQueries(queries: StreamingQuery[]): Promise<void> {
  await Promise.all(queries.map((q) => q.stop()));
}
