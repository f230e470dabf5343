/**
 * Transport layer: one gRPC channel to a Spark Connect server, bound to one Spark session.
 *
 * Knows about requests and responses (protobuf), nothing about DataFrames. Every RPC goes through
 * `call()`/`stream()`, which add the session id, user context, client type and request headers,
 * apply the per-call deadline, retry UNAVAILABLE before anything was received, and map gRPC errors
 * to SparkConnectError. Over 300 lines: it is the one place that speaks gRPC (the RPCs of the
 * SparkConnectService share the session fields, retry and error mapping defined here).
 */
import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import {
  AnalyzePlanRequestSchema,
  ConfigRequestSchema,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseSessionRequestSchema,
  SparkConnectService,
  type ConfigRequest_OperationSchema,
  type PlanSchema,
  type UserContextSchema,
  type AnalyzePlanRequest,
  type AnalyzePlanResponse,
  type ConfigRequest_Operation,
  type ConfigResponse,
  type ExecutePlanResponse,
  type Plan,
} from '../gen/spark/connect/base_pb.js';
import type { DataType } from '../gen/spark/connect/types_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import type {
  StreamingQueryCommandResult,
  StreamingQueryManagerCommandResult,
  WriteStreamOperationStartResult,
} from '../gen/spark/connect/commands_pb.js';
import { SparkError, fromGrpcError, SparkConnectError } from './errors.js';
import { isUuid, parseSparkConnectUrl, type SparkConnectUrl } from './url.js';
import { CLIENT_TYPE } from './version.js';
import { retryBackoffMs, sleep } from './backoff.js';

export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). Default 3. */
  maxRetries: number;
  /** Backoff before the first retry. Default 100 ms; multiplied by 4 per retry, capped at maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, initialBackoffMs: 100, maxBackoffMs: 1_000 };

export interface SparkConnectClientOptions {
  /** `sc://host:port/;param=value` or an already parsed URL. */
  url: string | SparkConnectUrl;
  /** Session to use (UUID). Overrides the URL's session_id; a new UUID when neither is given. */
  sessionId?: string;
  /** Overrides the URL's user_id; default $USER (or 'streamline'). */
  userId?: string;
  /** client_type sent with each request; default `streamline/<version>`. */
  clientType?: string;
  retry?: Partial<RetryPolicy>;
  /** Default deadline for unary calls (Config, AnalyzePlan, ReleaseExecute, ReleaseSession). Default 120 s. */
  unaryTimeoutMs?: number;
}

export interface CallOptions {
  /** Deadline of this call, in ms from now. ExecutePlan has no deadline unless given. */
  timeoutMs?: number;
  /** Cancels the call (the server side operation is interrupted by the cancelled stream). */
  signal?: AbortSignal;
}

export interface ExecuteOptions extends CallOptions {
  operationId?: string;
  tags?: string[];
}

/** Everything an ExecutePlan stream returned, gathered. */
export interface ExecuteResult {
  operationId: string;
  /** Arrow IPC streams, one per ArrowBatch response, in order. */
  arrowBatches: Uint8Array[];
  /** Result schema when the server sent it. */
  schema: DataType | undefined;
  sqlCommandResult: Relation | undefined;
  writeStreamOperationStartResult: WriteStreamOperationStartResult | undefined;
  streamingQueryCommandResult: StreamingQueryCommandResult | undefined;
  streamingQueryManagerCommandResult: StreamingQueryManagerCommandResult | undefined;
  /** The server sent ResultComplete. */
  resultComplete: boolean;
}

interface CommonFields {
  sessionId: string;
  userContext: MessageInitShape<typeof UserContextSchema>;
  clientType: string;
  clientObservedServerSideSessionId?: string;
}

export type PlanInit = MessageInitShape<typeof PlanSchema> | Plan;

const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

function defaultUser(): string {
  return process.env.USER || process.env.USERNAME || 'streamline';
}

export class SparkConnectClient {
  readonly url: SparkConnectUrl;
  readonly sessionId: string;
  readonly userId: string;
  readonly clientType: string;
  private readonly retry: RetryPolicy;
  private readonly unaryTimeoutMs: number;
  private readonly grpcClient: grpc.Client;
  private serverSideSessionId: string | undefined;
  private closed = false;

  constructor(options: SparkConnectClientOptions) {
    this.url = typeof options.url === 'string' ? parseSparkConnectUrl(options.url) : options.url;
    const sessionId = options.sessionId ?? this.url.sessionId ?? randomUUID();
    if (!isUuid(sessionId)) throw new SparkError(`session id '${sessionId}' is not a UUID`);
    this.sessionId = sessionId.toLowerCase();
    this.userId = options.userId ?? this.url.userId ?? defaultUser();
    this.clientType = options.clientType ?? CLIENT_TYPE;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.unaryTimeoutMs = options.unaryTimeoutMs ?? 120_000;
    const credentials = this.url.useSsl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    this.grpcClient = new grpc.Client(this.url.address, credentials, {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.primary_user_agent': this.url.userAgent ?? this.clientType,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 0,
    });
  }

  /** `host:port` of the server. */
  get address(): string {
    return this.url.address;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private commonFields(): CommonFields {
    const fields: CommonFields = {
      sessionId: this.sessionId,
      userContext: { userId: this.userId, userName: this.userId },
      clientType: this.clientType,
    };
    if (this.serverSideSessionId) fields.clientObservedServerSideSessionId = this.serverSideSessionId;
    return fields;
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(this.url.headers)) md.set(k.toLowerCase(), v);
    if (this.url.token !== undefined) md.set('authorization', `Bearer ${this.url.token}`);
    return md;
  }

  private observe(serverSideSessionId: string | undefined): void {
    if (serverSideSessionId) this.serverSideSessionId = serverSideSessionId;
  }

  private ensureOpen(): void {
    if (this.closed) throw new SparkError('Spark Connect client is closed');
  }

  private static retryable(err: unknown): boolean {
    return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === grpc.status.UNAVAILABLE && !(err instanceof SparkConnectError);
  }

  /** A unary RPC with retries on UNAVAILABLE and error mapping. */
  private async unary<I extends DescMessage, O extends DescMessage>(
    method: { name: string; input: I; output: O },
    request: MessageShape<I>,
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    this.ensureOpen();
    const path = `/${SparkConnectService.typeName}/${method.name}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<MessageShape<O>>((resolve, reject) => {
          const call = this.grpcClient.makeUnaryRequest<MessageShape<I>, MessageShape<O>>(
            path,
            (m) => Buffer.from(toBinary(method.input, m)),
            (b) => fromBinary(method.output, b),
            request,
            this.metadata(),
            { deadline: Date.now() + (options.timeoutMs ?? this.unaryTimeoutMs) },
            (err, value) => (err || value === undefined ? reject(err ?? new SparkError('empty response')) : resolve(value)),
          );
          const signal = options.signal;
          if (signal) {
            const onAbort = () => call.cancel();
            if (signal.aborted) call.cancel();
            else {
              signal.addEventListener('abort', onAbort, { once: true });
              call.on('status', () => signal.removeEventListener('abort', onAbort));
            }
          }
        });
      } catch (err) {
        if (attempt < this.retry.maxRetries && SparkConnectClient.retryable(err) && !options.signal?.aborted) {
          await sleep(retryBackoffMs(this.retry, attempt), options.signal);
          if (!options.signal?.aborted) continue;
        }
        throw fromGrpcError(err, this.address);
      }
    }
  }

  /** One server-streaming call (ExecutePlan or ReattachExecute), cancelled when `signal` aborts. */
  private serverStream<I extends DescMessage>(
    method: { name: string; input: I },
    request: MessageShape<I>,
    options: CallOptions,
  ): { responses: AsyncIterable<ExecutePlanResponse>; cancel: () => void } {
    const callOptions: grpc.CallOptions = {};
    if (options.timeoutMs !== undefined) callOptions.deadline = Date.now() + options.timeoutMs;
    const call = this.grpcClient.makeServerStreamRequest<MessageShape<I>, ExecutePlanResponse>(
      `/${SparkConnectService.typeName}/${method.name}`,
      (m) => Buffer.from(toBinary(method.input, m)),
      (b) => fromBinary(SparkConnectService.method.executePlan.output, b),
      request,
      this.metadata(),
      callOptions,
    );
    const onAbort = () => call.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      responses: call as AsyncIterable<ExecutePlanResponse>,
      cancel: () => {
        options.signal?.removeEventListener('abort', onAbort);
        call.cancel();
      },
    };
  }

  /**
   * ExecutePlan as an async stream of responses, reattachable: the server keeps the operation's
   * responses until released, so when the stream drops (UNAVAILABLE) or ends before ResultComplete
   * (the server caps a stream's duration), ReattachExecute resumes after the last response received.
   * Retries back off and give up after `retry.maxRetries` consecutive failures; responses that
   * arrive reset the count. The operation is released once the caller is done with it.
   */
  async *execute(plan: PlanInit, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
    this.ensureOpen();
    const operationId = options.operationId ?? randomUUID();
    const executeRequest = create(SparkConnectService.method.executePlan.input, {
      ...this.commonFields(),
      operationId,
      plan,
      tags: options.tags ?? [],
      requestOptions: [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }],
    });
    let lastResponseId: string | undefined;
    let complete = false;
    try {
      for (let failures = 0; !complete; ) {
        const call =
          lastResponseId === undefined
            ? this.serverStream(SparkConnectService.method.executePlan, executeRequest, options)
            : this.serverStream(SparkConnectService.method.reattachExecute, create(ReattachExecuteRequestSchema, { ...this.commonFields(), operationId, lastResponseId }), options);
        try {
          let received = false;
          for await (const response of call.responses) {
            if (!received) failures = 0;
            received = true;
            this.observe(response.serverSideSessionId);
            lastResponseId = response.responseId;
            if (response.responseType.case === 'resultComplete') complete = true;
            yield response;
          }
          if (!complete && !received) {
            if (failures >= this.retry.maxRetries) throw new SparkError(`operation ${operationId}: the server ended its result stream without completing it`);
            await sleep(retryBackoffMs(this.retry, failures++), options.signal);
          }
        } catch (err) {
          if (err instanceof SparkError) throw err;
          if (failures >= this.retry.maxRetries || !SparkConnectClient.retryable(err) || options.signal?.aborted) throw fromGrpcError(err, this.address);
          await sleep(retryBackoffMs(this.retry, failures++), options.signal);
          if (options.signal?.aborted) throw fromGrpcError(err, this.address);
        } finally {
          call.cancel();
        }
      }
    } finally {
      // Awaited, so a session stopped right after its last call is not released before its operations.
      if (lastResponseId !== undefined && !this.closed) await this.releaseExecute(operationId, { timeoutMs: 10_000 }).catch(() => undefined);
    }
  }

  /** Tells the server it may drop an operation and the responses it keeps for reattaching. */
  async releaseExecute(operationId: string, options: CallOptions = {}): Promise<void> {
    const request = create(ReleaseExecuteRequestSchema, { ...this.commonFields(), operationId, release: { case: 'releaseAll', value: {} } });
    await this.unary(SparkConnectService.method.releaseExecute, request, options);
  }

  /** Runs a plan to completion and gathers its results. */
  async executeAndCollect(plan: PlanInit, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const result: ExecuteResult = {
      operationId: options.operationId ?? randomUUID(),
      arrowBatches: [],
      schema: undefined,
      sqlCommandResult: undefined,
      writeStreamOperationStartResult: undefined,
      streamingQueryCommandResult: undefined,
      streamingQueryManagerCommandResult: undefined,
      resultComplete: false,
    };
    for await (const response of this.execute(plan, { ...options, operationId: result.operationId })) {
      if (response.schema) result.schema = response.schema;
      const r = response.responseType;
      switch (r.case) {
        case 'arrowBatch':
          result.arrowBatches.push(r.value.data);
          break;
        case 'sqlCommandResult':
          result.sqlCommandResult = r.value.relation;
          break;
        case 'writeStreamOperationStartResult':
          result.writeStreamOperationStartResult = r.value;
          break;
        case 'streamingQueryCommandResult':
          result.streamingQueryCommandResult = r.value;
          break;
        case 'streamingQueryManagerCommandResult':
          result.streamingQueryManagerCommandResult = r.value;
          break;
        case 'resultComplete':
          result.resultComplete = true;
          break;
        default:
          break;
      }
    }
    return result;
  }

  /** AnalyzePlan; `analyze` is the oneof of the request (schema, sparkVersion, ddlParse, ...). */
  async analyze(analyze: MessageInitShape<typeof AnalyzePlanRequestSchema>['analyze'], options: CallOptions = {}): Promise<AnalyzePlanResponse> {
    const request: AnalyzePlanRequest = create(AnalyzePlanRequestSchema, { ...this.commonFields(), analyze });
    const response = await this.unary(SparkConnectService.method.analyzePlan, request, options);
    this.observe(response.serverSideSessionId);
    return response;
  }

  /** Config RPC; `operation` is the oneof (set, get, getWithDefault, getOption, getAll, unset, isModifiable). */
  async config(operation: MessageInitShape<typeof ConfigRequest_OperationSchema> | ConfigRequest_Operation, options: CallOptions = {}): Promise<ConfigResponse> {
    const request = create(ConfigRequestSchema, { ...this.commonFields(), operation });
    const response = await this.unary(SparkConnectService.method.config, request, options);
    this.observe(response.serverSideSessionId);
    return response;
  }

  /** Releases the server-side session (stops its streaming queries, drops its temp views). */
  async releaseSession(options: CallOptions = {}): Promise<void> {
    const { sessionId, userContext, clientType } = this.commonFields();
    const request = create(ReleaseSessionRequestSchema, { sessionId, userContext, clientType });
    await this.unary(SparkConnectService.method.releaseSession, request, options);
  }

  /** Closes the gRPC channel. The server-side session stays until it times out. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.grpcClient.close();
  }
}
