import { fromBinary } from '@bufbuild/protobuf';
import { anyIs, anyUnpack } from '@bufbuild/protobuf/wkt';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ErrorInfoSchema, type ErrorInfo } from '../gen/google/rpc/error_details_pb.js';
import { StatusSchema } from '../gen/google/rpc/status_pb.js';

/** Base class of every error raised by the Spark Connect client. */
export class SparkError extends Error {
  override name = 'SparkError';
}

/** A builder (Column, StructType, literal) was used in a way that cannot make a valid plan; raised before anything is sent. */
export class SparkPlanError extends SparkError {
  override name = 'SparkPlanError';
}

export interface SparkConnectErrorInit {
  message: string;
  grpcCode: number;
  errorClass?: string | undefined;
  sqlState?: string | undefined;
  /** The JVM exception class (ErrorInfo.reason), e.g. org.apache.spark.sql.AnalysisException. */
  exceptionClass?: string | undefined;
  messageParameters?: Record<string, string> | undefined;
  /** Server-side error id (usable with FetchErrorDetails). */
  errorId?: string | undefined;
  cause?: unknown;
}

/**
 * An error reported by the Spark Connect server (or the gRPC layer under it): carries Spark's error
 * class (e.g. `TABLE_OR_VIEW_NOT_FOUND`), SQL state when present and the gRPC status code.
 */
export class SparkConnectError extends SparkError {
  override name = 'SparkConnectError';
  readonly grpcCode: number;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly exceptionClass: string | undefined;
  readonly messageParameters: Record<string, string>;
  readonly errorId: string | undefined;

  constructor(init: SparkConnectErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.grpcCode = init.grpcCode;
    this.errorClass = init.errorClass;
    this.sqlState = init.sqlState;
    this.exceptionClass = init.exceptionClass;
    this.messageParameters = init.messageParameters ?? {};
    this.errorId = init.errorId;
  }

  /** Name of the gRPC status code, e.g. `INTERNAL`. */
  get grpcStatus(): string {
    return GrpcStatus[this.grpcCode] ?? String(this.grpcCode);
  }
}

/** The Spark Connect server could not be reached (connection refused, DNS failure, ...). */
export class SparkUnavailableError extends SparkConnectError {
  override name = 'SparkUnavailableError';
  readonly address: string;
  constructor(address: string, detail: string, cause?: unknown) {
    super({
      message: `Spark Connect server at ${address} is unavailable: ${detail}`,
      grpcCode: GrpcStatus.UNAVAILABLE,
      cause,
    });
    this.address = address;
  }
}

/** A call did not finish before its deadline. */
export class SparkTimeoutError extends SparkConnectError {
  override name = 'SparkTimeoutError';
}

/** google.rpc.Status (the `grpc-status-details-bin` trailer) with its first ErrorInfo detail, if any. */
export interface RpcStatus {
  code: number;
  message: string;
  errorInfo?: ErrorInfo;
}

/** Decodes a google.rpc.Status (the payload of the `grpc-status-details-bin` trailer). */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus {
  const status = fromBinary(StatusSchema, bytes);
  const detail = status.details.find((any) => anyIs(any, ErrorInfoSchema));
  const errorInfo = detail && anyUnpack(detail, ErrorInfoSchema);
  return { code: status.code, message: status.message, ...(errorInfo ? { errorInfo } : {}) };
}

function isServiceError(e: unknown): e is ServiceError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && 'metadata' in e;
}

function parseJsonObject(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
    }
  } catch {
    // not JSON: ignore
  }
  return undefined;
}

const ERROR_CLASS_PREFIX = /^\[([A-Z0-9_]+(?:\.[A-Z0-9_]+)*)\]\s*/;
const SQLSTATE_RE = /SQLSTATE:\s*([0-9A-Z]{5})/;

/**
 * Maps an error thrown by @grpc/grpc-js to a SparkConnectError (or SparkUnavailableError when the
 * server could not be reached). Anything else is returned unchanged.
 */
export function fromGrpcError(err: unknown, address: string): unknown {
  if (err instanceof SparkError || !isServiceError(err)) return err;
  const details = err.details || err.message;

  let status: RpcStatus | undefined;
  const raw = err.metadata?.get('grpc-status-details-bin')?.[0];
  if (raw !== undefined && typeof raw !== 'string') {
    try {
      status = decodeRpcStatus(raw);
    } catch {
      status = undefined;
    }
  }
  const info = status?.errorInfo;
  const meta = info?.metadata ?? {};
  const message = status?.message || details;

  if (err.code === GrpcStatus.UNAVAILABLE && !info) {
    return new SparkUnavailableError(address, details.replace(/\s*Resolution note:.*$/s, '').trim(), err);
  }
  if (err.code === GrpcStatus.DEADLINE_EXCEEDED && !info) {
    return new SparkTimeoutError({ message: `Spark Connect call to ${address} timed out: ${details}`, grpcCode: err.code, cause: err });
  }
  const errorClass = meta.errorClass || ERROR_CLASS_PREFIX.exec(message)?.[1];
  const sqlState = meta.sqlState || SQLSTATE_RE.exec(message)?.[1];
  return new SparkConnectError({
    message,
    grpcCode: err.code,
    errorClass,
    sqlState,
    exceptionClass: info?.reason || undefined,
    messageParameters: parseJsonObject(meta.messageParameters),
    errorId: meta.errorId,
    cause: err,
  });
}
