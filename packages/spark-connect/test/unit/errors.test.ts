import { create, toBinary } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeRpcStatus, fromGrpcError } from '../../src/client/errors.js';
import { ErrorInfoSchema, RetryInfoSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../src/gen/google/rpc/status_pb.js';
import { SparkConnectError, SparkTimeoutError, SparkUnavailableError } from '../../src/index.js';

/** google.rpc.Status { code, message, details: [RetryInfo, ErrorInfo] } as Spark sends it. */
function statusDetails(code: number, message: string, reason: string, metadata: Record<string, string>): Uint8Array {
  const info = create(ErrorInfoSchema, { reason, domain: 'org.apache.spark', metadata });
  const details = [anyPack(RetryInfoSchema, create(RetryInfoSchema)), anyPack(ErrorInfoSchema, info)];
  return toBinary(StatusSchema, create(StatusSchema, { code, message, details }));
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
    expect(s).toMatchObject({
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
