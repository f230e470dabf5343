/**
 * SparkSession: the entry point. Owns one transport client (one gRPC channel, one Spark Connect
 * session id) and hands a SessionContext to the plan builders.
 */
import { randomUUID } from 'node:crypto';
import { SparkConnectClient, type RetryPolicy } from '../client/client.js';
import { SparkError } from '../client/errors.js';
import { isUuid, parseSparkConnectUrl } from '../client/url.js';
import { Column, type LiteralValue } from './column.js';
import { relation, type SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import { DataStreamReader } from './reader.js';
import { StreamingQueryManager } from './streaming.js';

/** `spark.conf`: runtime SQL configuration of the session. */
export class RuntimeConfig {
  constructor(private readonly ctx: SessionContext) {}

  private opts() {
    return this.ctx.deadlineMs === undefined ? {} : { timeoutMs: this.ctx.deadlineMs };
  }

  async set(key: string, value: string | number | boolean): Promise<void> {
    await this.ctx.client.config({ opType: { case: 'set', value: { pairs: [{ key, value: String(value) }] } } }, this.opts());
  }

  /** The value of `key`; `defaultValue` when unset (without one, an unset key without default throws). */
  async get(key: string, defaultValue?: string): Promise<string | undefined> {
    if (defaultValue !== undefined) {
      const r = await this.ctx.client.config({ opType: { case: 'getWithDefault', value: { pairs: [{ key, value: defaultValue }] } } }, this.opts());
      return r.pairs[0]?.value;
    }
    const r = await this.ctx.client.config({ opType: { case: 'get', value: { keys: [key] } } }, this.opts());
    return r.pairs[0]?.value;
  }

  /** The value of `key`, or undefined when it is not set. */
  async getOption(key: string): Promise<string | undefined> {
    const r = await this.ctx.client.config({ opType: { case: 'getOption', value: { keys: [key] } } }, this.opts());
    return r.pairs[0]?.value;
  }
}

export class SparkSessionBuilder {
  private url: string | undefined;
  private id: string | undefined;
  private user: string | undefined;
  private deadline: number | undefined;
  private retryPolicy: Partial<RetryPolicy> | undefined;

  /** `sc://host:port[/;user_id=..;session_id=..;token=..;use_ssl=..]`. Default: $SPARK_REMOTE or sc://localhost. */
  remote(url: string): this {
    parseSparkConnectUrl(url);
    this.url = url;
    return this;
  }

  /** Use this session id (UUID) instead of a new one: reattaches to an existing server-side session. */
  sessionId(id: string): this {
    if (!isUuid(id)) throw new SparkError(`session id '${id}' is not a UUID`);
    this.id = id;
    return this;
  }

  userId(user: string): this {
    this.user = user;
    return this;
  }

  /** Deadline of every call made by this session, in ms (default: none for queries, 120 s for others). */
  deadlineMs(ms: number): this {
    this.deadline = ms;
    return this;
  }

  /** Retries of calls that failed with UNAVAILABLE before anything was received. Default 3; 0 disables. */
  retries(maxRetries: number, options: Partial<Omit<RetryPolicy, 'maxRetries'>> = {}): this {
    this.retryPolicy = { ...options, maxRetries };
    return this;
  }

  /** Creates the session (no RPC: the first call connects). */
  async getOrCreate(): Promise<SparkSession> {
    const url = this.url ?? process.env.SPARK_REMOTE ?? 'sc://localhost';
    const client = new SparkConnectClient({
      url,
      ...(this.id !== undefined ? { sessionId: this.id } : {}),
      ...(this.user !== undefined ? { userId: this.user } : {}),
      ...(this.retryPolicy !== undefined ? { retry: this.retryPolicy } : {}),
      ...(this.deadline !== undefined ? { unaryTimeoutMs: this.deadline } : {}),
    });
    return new SparkSession(client, this.deadline);
  }
}

export class SparkSession {
  private readonly ctx: SessionContext;
  readonly conf: RuntimeConfig;
  /** Streaming queries of this session. */
  readonly streams: StreamingQueryManager;

  constructor(client: SparkConnectClient, deadlineMs?: number) {
    this.ctx = { client, deadlineMs };
    this.conf = new RuntimeConfig(this.ctx);
    this.streams = new StreamingQueryManager(this.ctx);
  }

  static builder(): SparkSessionBuilder {
    return new SparkSessionBuilder();
  }

  /** Spark Connect session id (UUID): pass it to `builder().sessionId()` to use the same session elsewhere. */
  get sessionId(): string {
    return this.ctx.client.sessionId;
  }

  /** `host:port` of the server. */
  get address(): string {
    return this.ctx.client.address;
  }

  /** The transport client (for advanced use: raw plans, analyze and config requests). */
  get client(): SparkConnectClient {
    return this.ctx.client;
  }

  /**
   * A DataFrame for a SQL query. Lazy like every DataFrame: nothing runs until an action
   * (`collect()`, `count()`, ...). For DDL/commands use `await spark.sql('...').collect()`.
   * `args` binds named (`:name`) parameters.
   */
  sql(query: string, args?: Record<string, LiteralValue>): DataFrame {
    const namedArguments = Object.fromEntries(Object.entries(args ?? {}).map(([k, v]) => [k, Column.lit(v).expr]));
    return new DataFrame(this.ctx, relation({ relType: { case: 'sql', value: { query, namedArguments } } }));
  }

  /** Column `id` (bigint) from `start` (inclusive) to `end` (exclusive); `range(n)` is 0..n-1. */
  range(start: number | bigint, end?: number | bigint, step: number | bigint = 1, numPartitions?: number): DataFrame {
    const [from, to] = end === undefined ? [0n, BigInt(start)] : [BigInt(start), BigInt(end)];
    return new DataFrame(
      this.ctx,
      relation({
        relType: {
          case: 'range',
          value: { start: from, end: to, step: BigInt(step), ...(numPartitions !== undefined ? { numPartitions } : {}) },
        },
      }),
    );
  }

  get readStream(): DataStreamReader {
    return new DataStreamReader(this.ctx);
  }

  /** Spark version of the server, e.g. `4.0.0`. */
  async version(): Promise<string> {
    const r = await this.ctx.client.analyze({ case: 'sparkVersion', value: {} }, this.ctx.deadlineMs === undefined ? {} : { timeoutMs: this.ctx.deadlineMs });
    return r.result.case === 'sparkVersion' ? r.result.value.version : '';
  }

  /**
   * Ends the session: releases it on the server (which stops its streaming queries and drops its
   * temp views) and closes the channel. Best effort: a failed release is ignored (the server expires
   * the session anyway), the channel is always closed.
   */
  async stop(): Promise<void> {
    if (this.ctx.client.isClosed) return;
    try {
      await this.ctx.client.releaseSession({ timeoutMs: Math.min(this.ctx.deadlineMs ?? 10_000, 10_000) });
    } catch {
      // ignored: see doc comment
    } finally {
      this.ctx.client.close();
    }
  }

  /** Closes the channel but keeps the server-side session (and its streaming queries) alive. */
  close(): void {
    this.ctx.client.close();
  }
}

/** A fresh random session id. */
export const newSessionId = (): string => randomUUID();
