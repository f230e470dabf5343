/**
 * Streaming query handles, driven by StreamingQueryCommand / StreamingQueryManagerCommand.
 * Progress reports are Spark's JSON, parsed into objects.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import { SparkError } from '../client/errors.js';
import type {
  StreamingQueryCommandResult,
  StreamingQueryCommandSchema,
  StreamingQueryManagerCommandResult,
  StreamingQueryManagerCommandSchema,
} from '../gen/spark/connect/commands_pb.js';
import { command, executeCommand, type SessionContext } from './context.js';
import { listenerEvents, type StreamingQueryEvent } from './listener.js';
import { parseProgress, type StreamingQueryProgress } from './progress.js';

export type { SourceProgress, StreamingQueryProgress } from './progress.js';

export interface StreamingQueryStatus {
  message: string;
  isDataAvailable: boolean;
  isTriggerActive: boolean;
  isActive: boolean;
}

export interface StreamingQueryException {
  message: string;
  errorClass: string | undefined;
  stackTrace: string | undefined;
}

/** Extra time given to the gRPC deadline of server-side waits beyond their own timeout. */
const WAIT_MARGIN_MS = 30_000;

type QueryCommandInit = Omit<MessageInitShape<typeof StreamingQueryCommandSchema>, 'queryId'>['command'];

export class StreamingQuery {
  constructor(
    private readonly ctx: SessionContext,
    /** Stable id of the query (kept across restarts from the same checkpoint). */
    readonly id: string,
    /** Id of this run of the query. */
    readonly runId: string,
    /** queryName, or null when none was given. */
    readonly name: string | null,
  ) {}

  private async run(cmd: QueryCommandInit, timeoutMs?: number): Promise<StreamingQueryCommandResult> {
    const result = await executeCommand(
      this.ctx,
      command({ commandType: { case: 'streamingQueryCommand', value: { queryId: { id: this.id, runId: this.runId }, command: cmd } } }),
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    if (!result.streamingQueryCommandResult) throw new SparkError(`no result for streaming query command ${cmd?.case}`);
    return result.streamingQueryCommandResult;
  }

  async status(): Promise<StreamingQueryStatus> {
    const r = await this.run({ case: 'status', value: true });
    if (r.resultType.case !== 'status') throw new SparkError('unexpected streaming query status result');
    const s = r.resultType.value;
    return { message: s.statusMessage, isDataAvailable: s.isDataAvailable, isTriggerActive: s.isTriggerActive, isActive: s.isActive };
  }

  async isActive(): Promise<boolean> {
    return (await this.status()).isActive;
  }

  /** The most recent progress report, or null before the first one. */
  async lastProgress(): Promise<StreamingQueryProgress | null> {
    const r = await this.run({ case: 'lastProgress', value: true });
    const list = r.resultType.case === 'recentProgress' ? r.resultType.value.recentProgressJson : [];
    const last = list[list.length - 1];
    return last === undefined ? null : parseProgress(last);
  }

  /** Recent progress reports, oldest first (as many as spark.sql.streaming.numRecentProgressUpdates). */
  async recentProgress(): Promise<StreamingQueryProgress[]> {
    const r = await this.run({ case: 'recentProgress', value: true });
    const list = r.resultType.case === 'recentProgress' ? r.resultType.value.recentProgressJson : [];
    return list.map(parseProgress);
  }

  /** The exception that terminated the query, or null. */
  async exception(): Promise<StreamingQueryException | null> {
    const r = await this.run({ case: 'exception', value: true });
    if (r.resultType.case !== 'exception' || r.resultType.value.exceptionMessage === undefined) return null;
    const e = r.resultType.value;
    return { message: e.exceptionMessage ?? '', errorClass: e.errorClass, stackTrace: e.stackTrace };
  }

  /** Stops the query and waits until it has stopped. */
  async stop(): Promise<void> {
    await this.run({ case: 'stop', value: true });
  }

  /**
   * Waits until the query terminates or `timeoutMs` passes; true when it terminated. Without a timeout
   * it waits as long as the query runs. Throws SparkConnectError if the query failed.
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const value = timeoutMs === undefined ? {} : { timeoutMs: BigInt(Math.max(0, Math.round(timeoutMs))) };
    const r = await this.run({ case: 'awaitTermination', value }, timeoutMs === undefined ? undefined : timeoutMs + WAIT_MARGIN_MS);
    return r.resultType.case === 'awaitTermination' ? r.resultType.value.terminated : false;
  }

  toString(): string {
    return `StreamingQuery(id=${this.id}, runId=${this.runId}, name=${this.name ?? ''})`;
  }
}

type ManagerCommandInit = MessageInitShape<typeof StreamingQueryManagerCommandSchema>['command'];

/** `spark.streams`: the streaming queries of this session. */
export class StreamingQueryManager {
  constructor(private readonly ctx: SessionContext) {}

  private async run(cmd: ManagerCommandInit, timeoutMs?: number): Promise<StreamingQueryManagerCommandResult> {
    const result = await executeCommand(
      this.ctx,
      command({ commandType: { case: 'streamingQueryManagerCommand', value: { command: cmd } } }),
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    if (!result.streamingQueryManagerCommandResult) throw new SparkError(`no result for streaming query manager command ${cmd?.case}`);
    return result.streamingQueryManagerCommandResult;
  }

  /**
   * Progress, termination and idle events of this session's queries, pushed by the server (the
   * streaming query listener bus): `for await (const e of spark.streams.events(signal)) ...`.
   */
  events(signal?: AbortSignal): AsyncGenerator<StreamingQueryEvent> {
    return listenerEvents(this.ctx, signal);
  }

  /** Active queries of this session. */
  async active(): Promise<StreamingQuery[]> {
    const r = await this.run({ case: 'active', value: true });
    if (r.resultType.case !== 'active') return [];
    return r.resultType.value.activeQueries.map((q) => new StreamingQuery(this.ctx, q.id?.id ?? '', q.id?.runId ?? '', q.name ?? null));
  }

  /** An active query of this session by id, or null. */
  async get(id: string): Promise<StreamingQuery | null> {
    const r = await this.run({ case: 'getQuery', value: id });
    if (r.resultType.case !== 'query' || !r.resultType.value.id) return null;
    const q = r.resultType.value;
    return new StreamingQuery(this.ctx, q.id?.id ?? id, q.id?.runId ?? '', q.name ?? null);
  }
}
