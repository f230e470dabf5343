import { Command, CommanderError } from 'commander';
import { errorJson, ExitCode, StreamlineError } from '../core/errors.js';
import { redact } from './redaction.js';
import { apiCommand } from './commands/api.js';
import { checkCommand } from './commands/check.js';
import { dashboardCommand } from './commands/dashboard.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { deployCommands } from './commands/deploy.js';
import { lagCommand } from './commands/lag.js';
import { pipelineCommands } from './commands/pipeline.js';
import { produceCommand } from './commands/produce.js';
import { runtimeCommands } from './commands/runtime.js';
import { streamCommands } from './commands/stream.js';
import { testCommand } from './commands/test.js';
import { topicsCommands } from './commands/topics.js';

/** Where the CLI writes its own messages (usage errors, failures); commands print their results to stdout. */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function createProgram(output: CliOutput = processOutput, { jsonErrors = false } = {}): Command {
  const program = new Command('streamline')
    .description('Random User API -> Kafka -> Spark Structured Streaming -> MongoDB, typed end to end.')
    .version('0.1.0')
    // With --json, commander's own usage errors are reported as JSON by reportError, not as its text.
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr, outputError: (text, write) => (jsonErrors ? undefined : write(text)) })
    .option('--json', 'report a failure as one JSON object on stderr: {"error":{"code","message","hint"}}')
    .showHelpAfterError(jsonErrors ? false : '(run with --help for usage)')
    .exitOverride();
  runtimeCommands(program);
  apiCommand(program);
  produceCommand(program);
  streamCommands(program);
  topicsCommands(program);
  lagCommand(program);
  demoCommand(program);
  deployCommands(program);
  dashboardCommand(program);
  initCommand(program);
  checkCommand(program);
  testCommand(program);
  pipelineCommands(program);
  return program;
}

/**
 * Whether the command line asks for JSON errors. Read before parsing, because a command line that does
 * not parse must be reported in the format it asked for too; `--` ends the options.
 */
export function wantsJsonErrors(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The exit code a thrown value ends the command with: the error code's (one table, src/core/errors.ts), 1 for a bug. */
function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof StreamlineError) return error.exitCode;
  return ExitCode.failure;
}

/**
 * Prints an error as whoever runs the command should see it (message, details and hint; a stack only for an unexpected
 * error and with STREAMLINE_DEBUG), or as one JSON object with `json`, and returns the exit code.
 */
function reportError(error: unknown, writeRaw: (text: string) => void, { json = false } = {}): number {
  const write = (text: string) => writeRaw(redact(text));
  const code = exitCodeOf(error);
  if (error instanceof CommanderError) {
    if (json && code !== ExitCode.ok) write(`${JSON.stringify({ error: { code: 'USAGE', message: error.message.replace(/^error: /, '') } })}\n`);
    return code;
  }
  if (json) {
    write(`${JSON.stringify(errorJson(error))}\n`);
    return code;
  }
  if (error instanceof StreamlineError) {
    write(`error: ${error.message}\n`);
    if (error.details) write(`${error.details.replace(/^/gm, '  | ')}\n`);
    if (error.hint) write(`hint: ${error.hint}\n`);
    return code;
  }
  const e = error as Error;
  write(`error: ${e?.message ?? String(error)}\n`);
  if (process.env.STREAMLINE_DEBUG) write(`${e?.stack ?? ''}\n`);
  return code;
}

/**
 * Runs one command line (`argv` as in process.argv) and returns its exit code: the code a command set,
 * or the one its error maps to.
 */
export async function runStreamline(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  const json = wantsJsonErrors(argv.slice(2));
  try {
    await createProgram(output, { jsonErrors: json }).parseAsync([...argv]);
    return Number(process.exitCode ?? ExitCode.ok);
  } catch (error) {
    return reportError(error, output.stderr, { json });
  }
}
