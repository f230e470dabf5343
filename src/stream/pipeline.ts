import { join } from 'node:path';
import type { SparkSession, StreamingQuery, Trigger } from '@streamline/spark-connect';
import { definitionDigest } from '../pipeline/digest.js';
import { expectedQueries, pipelineQueryPlan, type QueryLayout, type TopicBinding } from './bindings.js';
import { reportFromProgress, type QueryReport } from './progress.js';
import { parsedRecords, recordRoutes, type MongoTarget, type SourceOptions } from './queries.js';

/** Everything that defines the running pipeline; checkpoints make it resumable after any crash. */
export interface PipelineSpec {
  bindings: TopicBinding[];
  source: SourceOptions;
  mongo: MongoTarget;
  checkpointDir: string;
  trigger: Trigger;
  /** Write tasks per query and micro-batch (config stream.writeTasks); 0 = one per Kafka partition. */
  writeTasks: number;
  /** Topics per query (config stream.queries). */
  layout: QueryLayout;
}

export const checkpointFor = (spec: PipelineSpec, queryName: string) => join(spec.checkpointDir, queryName);

/**
 * What makes two runs the same pipeline, without secrets (no URIs, no Kafka options): a `stream start`
 * that finds queries running adopts them only when this matches what they were started with.
 */
export interface PipelineDefinition {
  /** The pipeline's name (definePipeline's `name`). Absent in sessions recorded before #23: not compared then. */
  pipeline?: string;
  /**
   * Per binding, `<kafka topic>: <write model>, fields <digest>`: a digest of the topic's fields, so a running
   * query whose schema or write model changed in the file is not adopted, and the refusal names the topic.
   * Absent in sessions recorded before #23: not compared then.
   */
  schemas?: string[];
  queries: string[];
  /** Topics per query (stream.queries). */
  layout: string;
  /** topic -> schema -> collection, per binding. */
  bindings: string[];
  database: string;
  checkpointDir: string;
  trigger: string;
  startingOffsets: string;
  maxOffsetsPerTrigger: number;
  writeTasks: number;
}

/** A binding's schema and write model as one short line (12 hex digits of sha256 over the fields; a change is what matters, not the value). */
const schemaDigest = (b: TopicBinding): string =>
  `${b.topic}: ${b.sink.write}, fields ${definitionDigest(b.schema.fields).slice(0, 12)}`;

export const pipelineDefinition = (spec: PipelineSpec): PipelineDefinition => ({
  ...(spec.bindings[0] === undefined ? {} : { pipeline: spec.bindings[0].pipeline }),
  schemas: spec.bindings.map(schemaDigest),
  queries: expectedQueries(spec.bindings, spec.layout),
  layout: spec.layout,
  bindings: spec.bindings.map((b) => `${b.topic} -> ${b.collection} (schema ${b.schema.topic})`),
  database: spec.mongo.database,
  checkpointDir: spec.checkpointDir,
  trigger: JSON.stringify(spec.trigger),
  startingOffsets: spec.source.startingOffsets,
  maxOffsetsPerTrigger: spec.source.maxOffsetsPerTrigger,
  writeTasks: spec.writeTasks,
});

/**
 * Each key whose value differs, as "key: running X, asked for Y" ([] when the definitions match). A key the
 * running definition lacks was recorded by an older version, which did not know it: it is not compared.
 */
export function definitionDifferences(running: PipelineDefinition, asked: PipelineDefinition): string[] {
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return (Object.keys(asked) as (keyof PipelineDefinition)[])
    .filter((key) => running[key] !== undefined && show(running[key]) !== show(asked[key]))
    .map((key) => `${key}: running ${show(running[key])}, asked for ${show(asked[key])}`);
}

/**
 * Starts the pipeline's queries (pipelineQueryPlan): each reads its topics once, parses and validates
 * every record once, and writes valid records to their collections and invalid ones to dead_letters in
 * the same micro-batch (the routed foreachBatch of the Spark Connect plugin). On any failure the
 * queries already started are stopped, so a half-started pipeline is never left behind.
 */
export async function startPipeline(spark: SparkSession, spec: PipelineSpec): Promise<StreamingQuery[]> {
  const started: StreamingQuery[] = [];
  try {
    for (const { name, bindings } of pipelineQueryPlan(spec.bindings, spec.layout)) {
      const records = parsedRecords(spark, bindings, spec.source);
      const query = await (spec.writeTasks > 0 ? records.coalesce(spec.writeTasks) : records).writeStream
        .trigger(spec.trigger)
        .queryName(name)
        .checkpointLocation(checkpointFor(spec, name))
        .foreachBatchRoutes(recordRoutes(bindings, spec.mongo))
        .start();
      started.push(query);
    }
  } catch (e) {
    await Promise.allSettled(started.map((q) => q.stop()));
    throw e;
  }
  return started;
}

/** The session's queries that belong to this pipeline (by name). */
export async function pipelineQueries(spark: SparkSession, bindings: TopicBinding[], layout: QueryLayout): Promise<StreamingQuery[]> {
  const names = new Set(expectedQueries(bindings, layout));
  return (await spark.streams.active()).filter((q) => q.name !== undefined && q.name !== null && names.has(q.name));
}

export async function queryReport(query: StreamingQuery): Promise<QueryReport> {
  const [active, recent, exception] = await Promise.all([query.isActive(), query.recentProgress(), query.exception()]);
  const report = reportFromProgress(query.name ?? query.id, query.id, active, recent);
  // A foreachBatch sink reports no output rows (-1); its routes write every input row exactly once.
  report.rowsWritten = recent.reduce((sum, p) => sum + ((p.sink?.numOutputRows ?? -1) >= 0 ? (p.sink?.numOutputRows ?? 0) : p.numInputRows), 0);
  if (exception) report.exception = exception.errorClass ? `${exception.errorClass}: ${exception.message}` : exception.message;
  return report;
}

