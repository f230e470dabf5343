import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { PipelineRunningError } from '../core/errors.js';
import { kafkaBootstrap, mongoUri, sparkKafkaOptions, sparkRemote, type StreamlineConfig } from '../config/index.js';
import { configuredKafkaAdmin, ensureTopics } from '../kafka/index.js';
import { DEAD_LETTERS, ensureCollections, storedCounts, pipelinePlan, type CollectionPlan, type SetupReport } from '../sink/index.js';
import { SparkSession, type StreamingQuery } from '@streamline/spark-connect';
import type { ResolvedPipeline } from '../pipeline/resolve.js';
import {
  clearPipelineSession,
  definitionDifferences,
  loadPipelineSession,
  pipelineBindings,
  pipelineDefinition,
  pipelineQueries,
  queryReport,
  savePipelineSession,
  startPipeline,
  type PipelineSession,
  type PipelineSpec,
  type QueryReport,
  type TopicBinding,
} from '../stream/index.js';
import { topicSettings } from './produce.js';
import { usingService } from './services.js';

/** What the streaming side of a pipeline works with: its bindings, and the configuration it writes with. */
export interface PipelineStreaming {
  /** The configuration, with `mongo.database` the pipeline's own when its sink names one (it wins over the configuration's). */
  config: StreamlineConfig;
  bindings: TopicBinding[];
}

/** The bindings of a resolved pipeline (narrowed to `--topics`), computed once per command, and the database they land in. */
export function pipelineStreaming(config: StreamlineConfig, pipeline: ResolvedPipeline): PipelineStreaming {
  const database = pipeline.database ?? config.mongo.database;
  return { config: database === config.mongo.database ? config : { ...config, mongo: { ...config.mongo, database } }, bindings: pipelineBindings(pipeline) };
}

export function pipelineSpec(config: StreamlineConfig, bindings: TopicBinding[]): PipelineSpec {
  return {
    bindings,
    source: { kafkaBootstrap: kafkaBootstrap(config), kafkaOptions: sparkKafkaOptions(config), startingOffsets: config.stream.startingOffsets, maxOffsetsPerTrigger: config.stream.maxOffsetsPerTrigger },
    mongo: { uri: mongoUri(config), database: config.mongo.database, maxBatchSize: config.mongo.maxBatchSize },
    checkpointDir: config.stream.checkpointDir ?? join(config.stateDir, 'checkpoints'),
    trigger: { processingTime: config.stream.trigger },
    writeTasks: config.stream.writeTasks,
    layout: config.stream.queries,
  };
}

/** Topics (with the configured partitions/RF/min ISR) and collections (validators, indexes), idempotently. */
/** The collections the bindings write, with their validators and indexes, plus dead letters. */
export const storagePlan = (bindings: TopicBinding[]): CollectionPlan[] =>
  pipelinePlan(bindings.map((b) => ({ sink: b.sink, validator: b.schema.mongoValidator })), bindings[0]?.deadLetters);

export async function prepareStorage(config: StreamlineConfig, bindings: TopicBinding[]): Promise<{ createdTopics: string[]; storage: SetupReport }> {
  const admin = configuredKafkaAdmin(config, 'streamline-admin');
  let createdTopics: string[];
  try {
    createdTopics = (await usingService(config, 'kafka', () => ensureTopics(admin, bindings.map((b) => b.topic), topicSettings(config)))).created;
  } finally {
    await admin.close().catch(() => undefined);
  }
  const mongo = await connectMongo(config);
  try {
    const storage = await ensureCollections(mongo, config.mongo.database, storagePlan(bindings));
    return { createdTopics, storage };
  } finally {
    await mongo.close();
  }
}

const connect = (config: StreamlineConfig, sessionId?: string) => {
  const builder = SparkSession.builder().remote(sparkRemote(config));
  return usingService(config, 'spark', () => (sessionId ? builder.sessionId(sessionId) : builder).getOrCreate());
};

/** A connected MongoDB client, or a ServiceUnavailableError saying where MongoDB was expected. */
export async function connectMongo(config: StreamlineConfig): Promise<MongoClient> {
  const mongo = new MongoClient(mongoUri(config), { serverSelectionTimeoutMS: 5_000 });
  await usingService(config, 'mongo', () => mongo.connect());
  return mongo;
}

/** Reattaches to the recorded session; undefined when none is recorded or its queries are gone. */
export async function attachPipeline(config: StreamlineConfig, bindings: TopicBinding[]): Promise<{ spark: SparkSession; queries: StreamingQuery[]; session: PipelineSession } | undefined> {
  const session = loadPipelineSession(config.stateDir);
  if (!session) return undefined;
  const spark = await connect(config, session.sessionId);
  try {
    const queries = await usingService(config, 'spark', () => pipelineQueries(spark, bindings, config.stream.queries));
    if (queries.length === 0) {
      spark.close();
      return undefined;
    }
    return { spark, queries, session };
  } catch (e) {
    spark.close();
    // The server no longer knows the session (restarted, or the session expired): nothing is running.
    if ((e as { errorClass?: string }).errorClass?.startsWith('INVALID_HANDLE')) return undefined;
    throw e;
  }
}

export interface StartedPipeline {
  spark: SparkSession;
  queries: StreamingQuery[];
  session: PipelineSession;
  createdTopics: string[];
  /** Absent when the pipeline was adopted (its topics and collections were made by whoever started it). */
  storage?: SetupReport;
  /** True when the same pipeline's queries were found running and taken over instead of started. */
  adopted: boolean;
}

/** Whether the recorded session still has any streaming query running (whatever its name). */
async function sessionRuns(config: StreamlineConfig, session: PipelineSession): Promise<boolean> {
  const spark = await connect(config, session.sessionId);
  try {
    return (await usingService(config, 'spark', () => spark.streams.active())).length > 0;
  } catch (e) {
    if ((e as { errorClass?: string }).errorClass?.startsWith('INVALID_HANDLE')) return false;
    throw e;
  } finally {
    spark.close();
  }
}

/**
 * Creates topics and collections, then starts the queries in a new Spark Connect session whose id is
 * recorded in the state dir. Checkpoints make a restart resume exactly where the last run committed.
 */
export async function startStreaming(config: StreamlineConfig, bindings: TopicBinding[]): Promise<StartedPipeline> {
  const recorded = loadPipelineSession(config.stateDir);
  const differences = recorded?.definition ? definitionDifferences(recorded.definition, pipelineDefinition(pipelineSpec(config, bindings))) : [];
  if (recorded && differences.length && (await sessionRuns(config, recorded))) {
    throw new PipelineRunningError(
      `a different pipeline runs on ${pipelineSpec(config, bindings).checkpointDir} (Spark Connect session ${recorded.sessionId}): ${differences.join('; ')}`,
      { hint: '`streamline stream stop` stops it first, or start this one with its own state dir / stream.checkpointDir' },
    );
  }
  // The same pipeline still running (a restarted CLI, a Compose service restarted, a detached run): take it over.
  const running = await attachPipeline(config, bindings);
  if (running) return { ...running, createdTopics: [], adopted: true };
  clearPipelineSession(config.stateDir);
  const { createdTopics, storage } = await prepareStorage(config, bindings);
  return { ...(await startQueries(config, bindings)), createdTopics, storage, adopted: false };
}

export type RunningPipeline = Pick<StartedPipeline, 'spark' | 'queries' | 'session'>;

/**
 * Starts the queries in a new Spark Connect session and records it; each resumes from its checkpoint.
 * Topics and collections must exist (startStreaming creates them; a supervised restart reuses them).
 */
export async function startQueries(config: StreamlineConfig, bindings: TopicBinding[]): Promise<RunningPipeline> {
  const spark = await connect(config);
  try {
    const spec = pipelineSpec(config, bindings);
    const queries = await startPipeline(spark, spec);
    const session: PipelineSession = {
      definition: pipelineDefinition(spec),
      sessionId: spark.sessionId,
      remote: sparkRemote(config),
      startedAt: new Date().toISOString(),
      queries: queries.map((q) => ({ name: q.name ?? q.id, id: q.id, runId: q.runId })),
    };
    savePipelineSession(config.stateDir, session);
    return { spark, queries, session };
  } catch (e) {
    await spark.stop().catch(() => undefined);
    throw e;
  }
}

/** Stops whatever still runs of a pipeline whose watch broke off and releases its session; never throws. */
export async function releasePipeline(running: RunningPipeline, { serverGone = false } = {}): Promise<void> {
  if (!serverGone) {
    await Promise.allSettled(running.queries.map((q) => q.stop()));
    await running.spark.stop().catch(() => undefined);
  }
  running.spark.close();
}

export interface CollectionCount {
  collection: string;
  documents: number;
}

/** Document counts of the pipeline's collections and dead letters (the store's statistics), on an open connection. */
export async function countCollections(db: Db, bindings: TopicBinding[]): Promise<CollectionCount[]> {
  const counts = await storedCounts(db, bindings.map((b) => b.collection), bindings[0]?.deadLetters ?? DEAD_LETTERS);
  return Object.entries(counts).map(([collection, documents]) => ({ collection, documents }));
}

export async function collectionCounts(config: StreamlineConfig, bindings: TopicBinding[]): Promise<CollectionCount[]> {
  const mongo = await connectMongo(config);
  try {
    return await countCollections(mongo.db(config.mongo.database), bindings);
  } finally {
    await mongo.close();
  }
}

/** Stops the recorded pipeline's queries and releases its session; true if anything was running. */
export async function stopStreaming(config: StreamlineConfig, bindings: TopicBinding[]): Promise<boolean> {
  const attached = await attachPipeline(config, bindings);
  clearPipelineSession(config.stateDir);
  if (!attached) return false;
  await Promise.all(attached.queries.map((q) => q.stop()));
  await attached.spark.stop();
  return true;
}

/** The current state of each of the pipeline's queries. */
export const queryReports = (queries: StreamingQuery[]): Promise<QueryReport[]> => Promise.all(queries.map(queryReport));
