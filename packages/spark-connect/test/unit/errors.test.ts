import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeRpcStatus, fromGrpcError } from '../../src/client/errors.js';
import { SparkConnectError, SparkTimeoutError, SparkUnavailableError } from '../../src/index.js';

/** Encodes google.rpc.Status { code, message, details: [Any(ErrorInfo)] } as Spark sends it. */
function statusDetails(code: number, message: string, reason: string, metadata: Record<string, string>): Uint8Array {
  const info = new BinaryWriter().tag(1, 2).string(reason).tag(2, 2).string('org.apache.spark');
  for (const [k, v] of Object.entries(metadata)) {
    info.tag(3, 2).bytes(new BinaryWriter().tag(1, 2).string(k).tag(2, 2).string(v).finish());
  }
  const any = new BinaryWriter().tag(1, 2).string('type.googleapis.com/google.rpc.ErrorInfo').tag(2, 2).bytes(info.finish()).finish();
  const other = new BinaryWriter().tag(1, 2).string('type.googleapis.com/google.rpc.RetryInfo').tag(2, 2).bytes(new Uint8Array()).finish();
  return new BinaryWriter().tag(1, 0).int32(code).tag(2, 2).string(message).tag(3, 2).bytes(other).tag(3, 2).bytes(any).finish();
}

function serviceError(code: number, details: string, bin?: Uint8Array): ServiceError {
  const metadata = new Metadata();
  if (bin) metadata.set('grpc-status-details-bin', Buffer.from(bin));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

describe('error mapping', () => {
  const message = '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. SQLSTATE: 42P01; line 1 pos 14';

  it('decodes google.rpc.Status with ErrorInfo', () => {
    const s = decodeRpcStatus(statusDetails(13, message, 'org.apache.spark.sql.AnalysisException', { errorClass: 'X' }));
    expect(s).toEqual({
      code: 13,
      message,
      errorInfo: { reason: 'org.apache.spark.sql.AnalysisException', domain: 'org.apache.spark', metadata: { errorClass: 'X' } },
    });
  });

  it('maps ErrorInfo to SparkConnectError with error class, sqlState and gRPC code', () => {
    const bin = statusDetails(13, message, 'org.apache.spark.sql.catalyst.ExtendedAnalysisException', {
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
      messageParameters: '{"relationName":"`nope`"}',
      errorId: 'e-1',
    });
    const err = fromGrpcError(serviceError(status.INTERNAL, 'truncated', bin), '127.0.0.1:15002');
    expect(err).toBeInstanceOf(SparkConnectError);
    expect(err).toMatchObject({
      name: 'SparkConnectError',
      message,
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
      grpcCode: status.INTERNAL,
      grpcStatus: 'INTERNAL',
      exceptionClass: 'org.apache.spark.sql.catalyst.ExtendedAnalysisException',
      messageParameters: { relationName: '`nope`' },
      errorId: 'e-1',
    });
  });

  it('falls back to the [ERROR_CLASS] prefix and SQLSTATE in the message', () => {
    const err = fromGrpcError(serviceError(status.INTERNAL, '[UNRESOLVED_COLUMN.WITH_SUGGESTION] No column. SQLSTATE: 42703'), 'h:1');
    expect(err).toMatchObject({ errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION', sqlState: '42703', grpcCode: status.INTERNAL });
    const plain = fromGrpcError(serviceError(status.UNKNOWN, 'boom'), 'h:1') as SparkConnectError;
    expect(plain.errorClass).toBeUndefined();
    expect(plain.message).toBe('boom');
  });

  it('maps connection failures to SparkUnavailableError naming the address', () => {
    const err = fromGrpcError(
      serviceError(status.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:45009. Resolution note: '),
      '127.0.0.1:45009',
    );
    expect(err).toBeInstanceOf(SparkUnavailableError);
    expect(err).toBeInstanceOf(SparkConnectError);
    expect((err as SparkUnavailableError).address).toBe('127.0.0.1:45009');
    expect((err as Error).message).toBe(
      'Spark Connect server at 127.0.0.1:45009 is unavailable: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:45009.',
    );
  });

  it('maps deadlines to SparkTimeoutError and leaves other errors alone', () => {
    expect(fromGrpcError(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), 'h:1')).toBeInstanceOf(SparkTimeoutError);
    const other = new TypeError('x');
    expect(fromGrpcError(other, 'h:1')).toBe(other);
  });
});
