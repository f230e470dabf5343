import { Command, Option } from 'commander';
import { describeConfig, loadConfig, type StreamlineConfig } from '../config/index.js';
import { choosePipelineFile, loadPipeline, type PipelineChoice } from '../pipeline/load.js';
import { runtimePipeline, type RuntimePipeline } from '../pipeline/runtime.js';
import { recordedNodes } from '../runtime/index.js';
import { rememberSecrets } from './redaction.js';

export interface GlobalOptions {
  config?: string;
  stateDir?: string;
  printConfig?: boolean;
  cluster?: boolean;
  pipeline?: string;
}

/** Options every command accepts. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'configuration file (JSON); default ./streamline.config.json if present'))
    .addOption(new Option('--state-dir <dir>', 'where services keep data, logs and pids (env STREAMLINE_STATE_DIR)'))
    .addOption(new Option('--cluster', 'cluster mode: N Kafka brokers, Spark master + workers (cluster.enabled; implied when the state dir holds a running cluster)'))
    .addOption(new Option('--pipeline <file>', 'pipeline file (env STREAMLINE_PIPELINE, config pipeline; default ./streamline.pipeline.ts if present, else the built-in Random User one)'))
    .addOption(new Option('--print-config', 'print the effective configuration and exit'));
}

type Overrides = Record<string, Record<string, unknown> | unknown>;

/** Builds the one typed config: defaults < file < env < these flag overrides. */
export function resolveConfig(opts: GlobalOptions, overrides: Overrides = {}): StreamlineConfig {
  const flagLayer: Overrides = { ...overrides };
  if (opts.stateDir) flagLayer.stateDir = opts.stateDir;
  if (opts.pipeline) flagLayer.pipeline = opts.pipeline;
  const withCluster = (layer: Overrides) => ({ ...layer, cluster: { ...(layer.cluster as object | undefined), enabled: true } });
  const config = loadConfig({ configFile: opts.config, overrides: (opts.cluster ? withCluster(flagLayer) : flagLayer) as never });
  rememberSecrets(config);
  // After `up --cluster`, every command in that state dir talks to the cluster without repeating the flag.
  if (!config.cluster.enabled && recordedNodes(config).some((n) => n === 'kafka-1' || n === 'spark-master')) {
    return loadConfig({ configFile: opts.config, overrides: withCluster(flagLayer) as never });
  }
  return config;
}

/** The pipeline file this command uses: --pipeline, then STREAMLINE_PIPELINE, then the config key, then ./streamline.pipeline.ts, then the built-in one. */
export function choosePipeline(opts: GlobalOptions, config: StreamlineConfig, env: NodeJS.ProcessEnv = process.env): PipelineChoice {
  return choosePipelineFile({ flag: opts.pipeline, env: env.STREAMLINE_PIPELINE, config: config.pipeline, cwd: process.cwd() });
}

/** The one typed object a command works with: the configuration and the pipeline, each resolved once. */
export interface Runtime {
  readonly config: StreamlineConfig;
  readonly pipeline: RuntimePipeline;
}

export interface RuntimeOptions extends GlobalOptions {
  /** `--topics`: the pipeline's topics this command acts on (all of them when absent). */
  topics?: string[];
}

/**
 * The configuration and the pipeline of a command, each resolved once. Undefined when `--print-config`
 * printed the configuration (the command stops there; a broken pipeline file does not stop it printing).
 * The pipeline is narrowed to `--topics`, else to the configuration's `topics` (empty by default: all of them).
 */
export async function resolveRuntime(opts: RuntimeOptions, overrides: Overrides = {}): Promise<Runtime | undefined> {
  const config = resolveConfig(opts, overrides);
  if (maybePrintConfig(opts, config)) return undefined;
  const loaded = await loadPipeline(choosePipeline(opts, config));
  return { config, pipeline: runtimePipeline(loaded, { subset: opts.topics?.length ? opts.topics : config.topics }) };
}

/** Handles --print-config: returns true if the command should stop here. */
export function maybePrintConfig(opts: GlobalOptions, config: StreamlineConfig): boolean {
  if (!opts.printConfig) return false;
  process.stdout.write(describeConfig(config) + '\n');
  return true;
}

/** One line to stdout. */
export const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/**
 * Runs `work` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts; `notice` is printed to stderr on the
 * first one. The handlers are removed afterwards, so a later Ctrl-C ends the process as usual.
 */
export async function withInterrupt<T>(notice: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = () => {
    if (!abort.signal.aborted && notice) process.stderr.write(`\n${notice}\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
