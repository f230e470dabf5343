// The one taxonomy of expected failures: what a person (or a script reading `--json`) can act on. Every
// such failure is a StreamlineError with a stable code; the exit code follows from the code through
// EXIT_CODES below and nowhere else. A plain Error still means a bug and is printed as one.

/** Exit codes that mean something to scripts and to Airflow. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** `streamline check`: the pipeline file does not type-check. */
  typeErrors: 3,
  /** `streamline check`: the pipeline's source did not answer its sample request. */
  sourceUnreachable: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every stable error code and the exit code it ends a command with: 2 for what the caller must change in how it calls us, 1 for the rest. */
export const EXIT_CODES = {
  USAGE: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  BIND_REFUSED: ExitCode.usage,
  PIPELINE_RUNNING: ExitCode.usage,
  PIPELINE_NOT_FOUND: ExitCode.usage,
  PIPELINE_SYNTAX: ExitCode.usage,
  PIPELINE_EVAL: ExitCode.usage,
  PIPELINE_NO_DEFAULT: ExitCode.usage,
  PIPELINE_INVALID: ExitCode.usage,
  PIPELINE_UNKNOWN_TOPIC: ExitCode.usage,
  PIPELINE_TYPE_ERROR: ExitCode.typeErrors,
  SERVICE_UNAVAILABLE: ExitCode.failure,
  AUTH_REFUSED: ExitCode.failure,
  PORT_IN_USE: ExitCode.failure,
  MISSING_ARTIFACT: ExitCode.failure,
  MEMORY_BUDGET: ExitCode.failure,
  SERVICE_FAILED: ExitCode.failure,
  PIPELINE_NOT_RUNNING: ExitCode.failure,
  PIPELINE_FAILED: ExitCode.failure,
  SOURCE_FAILED: ExitCode.failure,
  SOURCE_UNREACHABLE: ExitCode.sourceUnreachable,
  UNKNOWN_TOPIC: ExitCode.failure,
  INTERNAL: ExitCode.failure,
} as const satisfies Record<string, ExitCode>;
export type ErrorCode = keyof typeof EXIT_CODES;

export interface ErrorDetails {
  /** What to do about it, one sentence. */
  hint?: string;
  /** Evidence printed under the message (e.g. the tail of a log), indented. */
  details?: string;
  cause?: unknown;
}

/** An expected failure: printed as its message and hint, never a stack trace. */
export class StreamlineError extends Error {
  override name = 'StreamlineError';
  readonly hint?: string;
  readonly details?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { hint, details, cause }: ErrorDetails = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.hint = hint;
    this.details = details;
  }

  get exitCode(): ExitCode {
    return EXIT_CODES[this.code];
  }
}

/** A wrong combination of flags or arguments. */
export class UsageError extends StreamlineError {
  override name = 'UsageError';
  constructor(message: string, more?: ErrorDetails) {
    super('USAGE', message, more);
  }
}

/** The configuration (defaults < file < env < flags) does not validate; the message names the key and its env variable. */
export class ConfigError extends StreamlineError {
  override name = 'ConfigError';
  constructor(message: string, more?: ErrorDetails) {
    super('CONFIG_INVALID', message, more);
  }
}

/** A server may not listen where it was asked to (non-loopback without consent or without a token). */
export class BindRefusedError extends StreamlineError {
  override name = 'BindRefusedError';
  constructor(message: string, more?: ErrorDetails) {
    super('BIND_REFUSED', message, more);
  }
}

/** A different pipeline definition already runs on these checkpoints: refused, naming what differs. */
export class PipelineRunningError extends StreamlineError {
  override name = 'PipelineRunningError';
  constructor(message: string, more?: ErrorDetails) {
    super('PIPELINE_RUNNING', message, more);
  }
}

/** Why a pipeline file could not be used; each names the file (and the line, where there is one). */
export type PipelineFileErrorCode = 'PIPELINE_NOT_FOUND' | 'PIPELINE_SYNTAX' | 'PIPELINE_EVAL' | 'PIPELINE_NO_DEFAULT' | 'PIPELINE_INVALID' | 'PIPELINE_TYPE_ERROR';

/** A pipeline file that is missing, does not parse, throws, exports no pipeline, is invalid or does not type-check. */
export class PipelineFileError extends StreamlineError {
  override name = 'PipelineFileError';
  readonly line?: number;
  readonly column?: number;

  constructor(
    code: PipelineFileErrorCode,
    readonly file: string,
    message: string,
    more: ErrorDetails & { line?: number; column?: number } = {},
  ) {
    super(code, message, more);
    this.line = more.line;
    this.column = more.column;
  }
}

/** `streamline check` could not read its sample from the pipeline's source: the message names it (URL with credentials masked, or the file). */
export class SourceUnreachableError extends StreamlineError {
  override name = 'SourceUnreachableError';
  constructor(message: string, more?: ErrorDetails) {
    super('SOURCE_UNREACHABLE', message, more);
  }
}

/** A service the command needs does not answer at its address. */
export class ServiceUnavailableError extends StreamlineError {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: string,
    readonly address: string,
    message: string,
    more?: ErrorDetails,
  ) {
    super('SERVICE_UNAVAILABLE', message, more);
  }
}

/** A service answered but refused our credentials. */
export class AuthRefusedError extends StreamlineError {
  override name = 'AuthRefusedError';
  constructor(message: string, more?: ErrorDetails) {
    super('AUTH_REFUSED', message, more);
  }
}

/** A port we are to listen on is taken by something else. */
export class PortInUseError extends StreamlineError {
  override name = 'PortInUseError';
  constructor(message: string, more?: ErrorDetails) {
    super('PORT_IN_USE', message, more);
  }
}

/** Something setup installs (jars, binaries) is not there. */
export class MissingArtifactError extends StreamlineError {
  override name = 'MissingArtifactError';
  constructor(message: string, more?: ErrorDetails) {
    super('MISSING_ARTIFACT', message, more);
  }
}

/** The services about to start do not fit in the available memory. */
export class MemoryBudgetError extends StreamlineError {
  override name = 'MemoryBudgetError';
  constructor(message: string, more?: ErrorDetails) {
    super('MEMORY_BUDGET', message, more);
  }
}

/** A local process we start or stop (a service, a helper command, the stream supervisor) did not do what it should. */
export class ServiceFailedError extends StreamlineError {
  override name = 'ServiceFailedError';
  constructor(message: string, more?: ErrorDetails) {
    super('SERVICE_FAILED', message, more);
  }
}

/** A command needs a running streaming pipeline and there is none. */
export class PipelineNotRunningError extends StreamlineError {
  override name = 'PipelineNotRunningError';
  constructor(message: string, more?: ErrorDetails) {
    super('PIPELINE_NOT_RUNNING', message, more);
  }
}

/** The streaming queries stopped, gave up restarting, or did not catch up in time. */
export class PipelineFailedError extends StreamlineError {
  override name = 'PipelineFailedError';
  constructor(message: string, more?: ErrorDetails) {
    super('PIPELINE_FAILED', message, more);
  }
}

/** What a `--json` caller reads on stderr: one object, the same fields for every failure. */
export interface ErrorJson {
  /** `file`, `line`, `column`: where a pipeline file went wrong (PipelineFileError). */
  error: { code: ErrorCode; message: string; hint?: string; file?: string; line?: number; column?: number };
}

/** The JSON shape of any thrown value; what is not a StreamlineError is INTERNAL. */
export function errorJson(error: unknown): ErrorJson {
  if (error instanceof PipelineFileError) {
    const where = { file: error.file, ...(error.line === undefined ? {} : { line: error.line }), ...(error.column === undefined ? {} : { column: error.column }) };
    return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...where } };
  }
  if (error instanceof StreamlineError) return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  return { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}
