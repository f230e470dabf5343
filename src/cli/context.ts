import { Command, InvalidArgumentError, Option } from 'commander';
import { describeConfig, loadConfig, type StreamlineConfig } from '../config/index.js';
import { recordedNodes } from '../runtime/index.js';

/** A wrong combination of flags: printed as is, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes that mean something to scripts and to Airflow. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
} as const;

export interface GlobalOptions {
  config?: string;
  stateDir?: string;
  printConfig?: boolean;
  cluster?: boolean;
}

/** Options every command accepts. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'configuration file (JSON); default ./streamline.config.json if present'))
    .addOption(new Option('--state-dir <dir>', 'where services keep data, logs and pids (env STREAMLINE_STATE_DIR)'))
    .addOption(new Option('--cluster', 'cluster mode: N Kafka brokers, Spark master + workers (cluster.enabled; implied when the state dir holds a running cluster)'))
    .addOption(new Option('--print-config', 'print the effective configuration and exit'));
}

type Overrides = Record<string, Record<string, unknown> | unknown>;

/** Builds the one typed config: defaults < file < env < these flag overrides. */
export function resolveConfig(opts: GlobalOptions, overrides: Overrides = {}): StreamlineConfig {
  const flagLayer: Overrides = { ...overrides };
  if (opts.stateDir) flagLayer.stateDir = opts.stateDir;
  const withCluster = (layer: Overrides) => ({ ...layer, cluster: { ...(layer.cluster as object | undefined), enabled: true } });
  const config = loadConfig({ configFile: opts.config, overrides: (opts.cluster ? withCluster(flagLayer) : flagLayer) as never });
  // After `up --cluster`, every command in that state dir talks to the cluster without repeating the flag.
  if (!config.cluster.enabled && recordedNodes(config).some((n) => n === 'kafka-1' || n === 'spark-master')) {
    return loadConfig({ configFile: opts.config, overrides: withCluster(flagLayer) as never });
  }
  return config;
}

/** Handles --print-config: returns true if the command should stop here. */
export function maybePrintConfig(opts: GlobalOptions, config: StreamlineConfig): boolean {
  if (!opts.printConfig) return false;
  process.stdout.write(describeConfig(config) + '\n');
  return true;
}

/** Wraps a parser that throws (e.g. FlagValueError) so commander reports it as a usage error (exit code 2). */
export const flagParser =
  <T>(parse: (text: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };

/** Parses a port flag with an error naming the flag. */
export function portFlag(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`${flag}: expected a port number 1-65535, got "${value}"`);
    return n;
  };
}
