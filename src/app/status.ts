// `stream status`: each query's latest progress with its lag (lag.ts's one definition), and what has
// landed in the store. Kafka not answering leaves the lag unknown but still shows the rest.
import { kafkaBootstrap, type StreamlineConfig } from '../config/index.js';
import { configuredKafkaAdmin, describeKafkaError, endOffsets, type EndOffsets } from '../kafka/index.js';
import { runningRecord, STREAM_SUPERVISOR } from '../runtime/index.js';
import { expectedQueries, type PipelineSession, type QueryReport, type TopicBinding } from '../stream/index.js';
import { accountForQueries, type ExpectedQuery } from './expected-queries.js';
import { readSupervisorStatus, type SupervisorStatus } from './stream-supervisor.js';
import { lagByTopic, totalLag } from './lag.js';
import { attachPipeline, collectionCounts, queryReports, type CollectionCount } from './streaming.js';

export interface QueryStatus extends QueryReport {
  /** Kafka records past what this query has read; undefined before its first progress or without Kafka. */
  behind?: number;
}

export interface PipelineStatus {
  session?: PipelineSession;
  /** The queries found running in the recorded session. */
  queries: QueryStatus[];
  /** Every query the pipeline definition implies, with its state: what `stream status` exits on. */
  expected: ExpectedQuery[];
  /** The detached supervisor, when one runs: its pid and what it last reported. */
  supervisor?: { pid: number; status?: SupervisorStatus };
  collections: CollectionCount[];
  /** Why the lag is unknown: Kafka did not answer. */
  kafkaError?: string;
}

export async function streamingStatus(config: StreamlineConfig, bindings: TopicBinding[]): Promise<PipelineStatus> {
  const attached = await attachPipeline(config, bindings);
  let reports: QueryReport[] = [];
  try {
    if (attached) reports = await queryReports(attached.queries);
  } finally {
    attached?.spark.close();
  }
  const kafka = reports.length ? await endOffsetsOrError(config, bindings) : {};
  const queries = reports.map((q) => ({ ...q, behind: kafka.endOffsets ? totalLag(lagByTopic(q.readOffsets, kafka.endOffsets)) : undefined }));
  const supervisor = runningSupervisor(config);
  return {
    session: attached?.session,
    queries,
    expected: accountForQueries(expectedQueries(bindings, config.stream.queries), reports, supervisor?.status),
    ...(supervisor ? { supervisor } : {}),
    collections: await collectionCounts(config, bindings),
    ...(kafka.error ? { kafkaError: kafka.error } : {}),
  };
}

/**
 * What `stream status` exits 0 on: every expected query active, none with an exception, and Kafka
 * answering. A broker that is down leaves the queries "active" for up to a minute while they cannot read
 * (Spark fails them only after its metadata timeout): that is a failure to report, not a healthy pipeline.
 */
export function pipelineHealthy(status: Pick<PipelineStatus, 'expected' | 'queries' | 'kafkaError'>): boolean {
  return status.expected.every((q) => q.state === 'active') && !status.queries.some((q) => q.exception) && status.kafkaError === undefined;
}

async function endOffsetsOrError(config: StreamlineConfig, bindings: TopicBinding[]): Promise<{ endOffsets?: EndOffsets; error?: string }> {
  const admin = configuredKafkaAdmin(config, 'streamline-status');
  try {
    return { endOffsets: (await endOffsets(admin, bindings.map((b) => b.topic))).endOffsets };
  } catch (e) {
    return { error: `Kafka at ${kafkaBootstrap(config)} did not answer (${describeKafkaError(e)}): lag unknown, and the queries cannot read until it answers again` };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** The detached supervisor if its process runs, with its status file (undefined when it has not written one yet). */
export function runningSupervisor(config: StreamlineConfig): { pid: number; status?: SupervisorStatus } | undefined {
  const record = runningRecord(config, STREAM_SUPERVISOR);
  if (!record) return undefined;
  const status = readSupervisorStatus(config.stateDir);
  return status?.pid === record.pid ? { pid: record.pid, status } : { pid: record.pid };
}
