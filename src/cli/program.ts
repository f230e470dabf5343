import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { RuntimeError } from '../runtime/index.js';
import { ExitCode, UsageError } from './context.js';
import { redact } from './redaction.js';
import { apiCommand } from './commands/api.js';
import { dashboardCommand } from './commands/dashboard.js';
import { demoCommand } from './commands/demo.js';
import { deployCommands } from './commands/deploy.js';
import { lagCommand } from './commands/lag.js';
import { produceCommand } from './commands/produce.js';
import { runtimeCommands } from './commands/runtime.js';
import { streamCommands } from './commands/stream.js';
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

function createProgram(output: CliOutput = processOutput): Command {
  const program = new Command('streamline')
    .description('Random User API -> Kafka -> Spark Structured Streaming -> MongoDB, typed end to end.')
    .version('0.1.0')
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr })
    .showHelpAfterError('(run with --help for usage)')
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
  return program;
}

/** Prints an error as the user should see it (message and hint, a stack only with STREAMLINE_DEBUG) and returns the exit code. */
function reportError(error: unknown, writeRaw: (text: string) => void): number {
  const write = (text: string) => writeRaw(redact(text));
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof ConfigError || error instanceof UsageError) {
    write(`error: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (error instanceof RuntimeError) {
    write(`error: ${error.message}\n`);
    if (error.details) write(`${error.details.replace(/^/gm, '  | ')}\n`);
    if (error.hint) write(`hint: ${error.hint}\n`);
    return ExitCode.failure;
  }
  const e = error as Error;
  write(`error: ${e?.message ?? String(error)}\n`);
  if (process.env.STREAMLINE_DEBUG) write(`${e?.stack ?? ''}\n`);
  return ExitCode.failure;
}

/**
 * Runs one command line (`argv` as in process.argv) and returns its exit code: the code a command set,
 * or the one its error maps to.
 */
export async function runStreamline(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  try {
    await createProgram(output).parseAsync([...argv]);
    return Number(process.exitCode ?? ExitCode.ok);
  } catch (error) {
    return reportError(error, output.stderr);
  }
}
