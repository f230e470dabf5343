import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { RuntimeError } from '../runtime/index.js';
import { ExitCode, UsageError } from './context.js';
import { apiCommand } from './commands/api.js';
import { dashboardCommand } from './commands/dashboard.js';
import { demoCommand } from './commands/demo.js';
import { deployCommands } from './commands/deploy.js';
import { produceCommand } from './commands/produce.js';
import { runtimeCommands } from './commands/runtime.js';
import { streamCommands } from './commands/stream.js';
import { topicsCommands } from './commands/topics.js';
import { lagCommand } from './commands/lag.js';

const program = new Command('streamline')
  .description('Random User API -> Kafka -> Spark Structured Streaming -> MongoDB, typed end to end.')
  .version('0.1.0')
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

function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (error instanceof RuntimeError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.details) process.stderr.write(`${error.details.replace(/^/gm, '  | ')}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return ExitCode.failure;
  }
  const e = error as Error;
  process.stderr.write(`error: ${e?.message ?? String(error)}\n`);
  if (process.env.STREAMLINE_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return ExitCode.failure;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
