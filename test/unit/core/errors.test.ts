import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  errorJson,
  EXIT_CODES,
  ExitCode,
  PipelineFailedError,
  PipelineFileError,
  PipelineRunningError,
  ServiceUnavailableError,
  SourceUnreachableError,
  StreamlineError,
  UsageError,
} from '../../../src/core/errors.js';

describe('the error taxonomy', () => {
  it('derives the exit code from the code: what the caller must change is 2, the rest 1', () => {
    expect(new UsageError('--a and --b').exitCode).toBe(ExitCode.usage);
    expect(new ConfigError('kafka.port: too big').exitCode).toBe(ExitCode.usage);
    expect(new PipelineRunningError('a different pipeline runs').exitCode).toBe(ExitCode.usage);
    expect(new ServiceUnavailableError('kafka', '127.0.0.1:1', 'Kafka is not reachable').exitCode).toBe(ExitCode.failure);
    expect(new PipelineFailedError('queries stopped').exitCode).toBe(ExitCode.failure);
    // Type errors in a pipeline file and a source that does not answer have exit codes of their own (`streamline check`), the exceptions.
    const own: Record<string, number> = { PIPELINE_TYPE_ERROR: ExitCode.typeErrors, SOURCE_UNREACHABLE: ExitCode.sourceUnreachable };
    for (const [code, exit] of Object.entries(EXIT_CODES)) expect(code in own ? [own[code]] : [ExitCode.failure, ExitCode.usage], code).toContain(exit);
    expect(new SourceUnreachableError('GET http://x/ failed').exitCode).toBe(4);
    expect(new PipelineFileError('PIPELINE_SYNTAX', 'p.ts', 'syntax error').exitCode).toBe(ExitCode.usage);
    expect(new PipelineFileError('PIPELINE_TYPE_ERROR', 'p.ts', 'type error').exitCode).toBe(3);
  });

  it('keeps message, hint, details and cause apart, and stays an Error for every catch', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ServiceUnavailableError('mongo', '127.0.0.1:27017', 'MongoDB is not reachable', { hint: 'run `streamline up`', details: 'log tail', cause });
    expect(error).toBeInstanceOf(StreamlineError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', name: 'ServiceUnavailableError', message: 'MongoDB is not reachable', hint: 'run `streamline up`', details: 'log tail', service: 'mongo' });
    expect(error.cause).toBe(cause);
  });

  it('describes any thrown value as {error: {code, message, hint}}; what is not ours is INTERNAL', () => {
    expect(errorJson(new UsageError('--interval and --mean-rate are alternatives', { hint: 'give one' }))).toEqual({
      error: { code: 'USAGE', message: '--interval and --mean-rate are alternatives', hint: 'give one' },
    });
    expect(errorJson(new ConfigError('bad'))).toEqual({ error: { code: 'CONFIG_INVALID', message: 'bad' } });
    expect(errorJson(new TypeError('x is undefined'))).toEqual({ error: { code: 'INTERNAL', message: 'x is undefined' } });
    expect(errorJson(new PipelineFileError('PIPELINE_SYNTAX', '/p.ts', 'syntax error in /p.ts:6:19', { line: 6, column: 19, hint: 'fix it' }))).toEqual({
      error: { code: 'PIPELINE_SYNTAX', message: 'syntax error in /p.ts:6:19', hint: 'fix it', file: '/p.ts', line: 6, column: 19 },
    });
    expect(errorJson(new PipelineFileError('PIPELINE_NOT_FOUND', '/p.ts', 'not found'))).toEqual({ error: { code: 'PIPELINE_NOT_FOUND', message: 'not found', file: '/p.ts' } });
    expect(errorJson('thrown text')).toEqual({ error: { code: 'INTERNAL', message: 'thrown text' } });
  });
});
