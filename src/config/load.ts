import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { REDACTED, redactUri } from './redact.js';
import { credentialsInFile } from './safety.js';
import { applyClusterMode, clusterIssues } from './cluster.js';
import { configSchema, type StreamlineConfig } from './schema.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Tree = { [k: string]: Json | undefined };

export function defaultConfig(cwd = process.cwd()): StreamlineConfig {
  return {
    stateDir: resolve(cwd, '.streamline'),
    kafka: { host: '127.0.0.1', port: 9092, controllerPort: 9093, heap: '512m', allowRemote: false, partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 },
    spark: { host: '127.0.0.1', port: 15002, master: 'local[*]', driverMemory: '2g', uiPort: 4040, allowRemote: false, sessionTimeout: '24h' },
    mongo: { host: '127.0.0.1', port: 27017, database: 'streamline', allowRemote: false, maxBatchSize: 512 },
    api: { host: '127.0.0.1', port: 3001, secretsLogMaxBytes: 64 * 1024 * 1024, allowRemote: false, maxConcurrentRequests: 8, maxResponseBytes: 16 * 1024 * 1024 },
    stream: {
      trigger: '1 second',
      startingOffsets: 'earliest',
      maxOffsetsPerTrigger: 20_000,
      writeTasks: 1,
      queries: 'per-topic',
      restart: { maxRestarts: 5, initialBackoffMs: 1_000, maxBackoffMs: 30_000, healthyAfterMs: 120_000, waitMs: 600_000, restartDriver: true },
    },
    dashboard: { host: '127.0.0.1', port: 3000, refreshMs: 2_000, historyMinutes: 15, allowedHosts: [], showPii: false },
    cluster: {
      enabled: false,
      kafkaBrokers: 3,
      sparkWorkers: 2,
      workerCores: 1,
      workerMemory: '512m',
      daemonHeap: '128m',
      masterPort: 7077,
      masterUiPort: 8080,
      workerPort: 7078,
      workerUiPort: 8081,
      portStep: 2,
    },
    produce: { deliveryTimeoutMs: 120_000, maxPendingRecords: 10_000, inFlightRequests: 2, maxConsecutiveFetchFailures: 10, dedupeWindowKeys: 100_000 },
    topics: [],
  };
}

const isObject = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge where later layers win; arrays are replaced, not concatenated. */
function mergeLayers(...layers: Tree[]): Tree {
  const out: Tree = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isObject(prev) && isObject(v) ? (mergeLayers(prev, v) as Json) : v;
    }
  }
  return out;
}

export const toEnvName = (path: string[]) =>
  'STREAMLINE_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');

/** Each known key can be set as STREAMLINE_<PATH>, e.g. STREAMLINE_KAFKA_PORT=19092, STREAMLINE_TOPICS=a,b. */
export function envLayer(env: NodeJS.ProcessEnv, shape: StreamlineConfig = defaultConfig()): Tree {
  const optionalLeaves: Record<string, string[]> = {
    '': ['artifactsDir', 'pipeline'],
    kafka: ['bootstrapServers'],
    spark: ['remote'],
    mongo: ['uri'],
    api: ['url', 'secretsLog'],
    stream: ['checkpointDir'],
    dashboard: ['tokenFile'],
    produce: ['rate', 'dedupeWindowMs'],
  };
  // Sections absent from the defaults whose keys can still come from env (STREAMLINE_KAFKA_SASL_USERNAME...).
  const optionalSections: Record<string, Tree> = {
    'kafka.sasl': { mechanism: '', username: '', password: '', passwordFile: '' },
  };
  const walk = (node: Tree, path: string[]): Tree => {
    const out: Tree = {};
    const sections = Object.keys(optionalSections).filter((s) => s.startsWith(path.length ? `${path.join('.')}.` : '') && s.split('.').length === path.length + 1);
    const keys = new Set([...Object.keys(node), ...(optionalLeaves[path.join('.')] ?? []), ...sections.map((s) => s.split('.').pop() as string)]);
    for (const key of keys) {
      const value = node[key] ?? optionalSections[[...path, key].join('.')];
      const here = [...path, key];
      if (isObject(value)) {
        const sub = walk(value, here);
        if (Object.keys(sub).length) out[key] = sub as Json;
        continue;
      }
      const raw = env[toEnvName(here)];
      if (raw === undefined || raw === '') continue;
      if (Array.isArray(value)) out[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
      else if (typeof value === 'boolean') out[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
      else if (typeof value === 'number') out[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      else out[key] = raw;
    }
    return out;
  };
  return walk(shape as unknown as Tree, []);
}

function fileLayer(path: string | undefined, cwd = process.cwd()): Tree {
  const candidate = path ?? resolve(cwd, 'streamline.config.json');
  if (!existsSync(candidate)) {
    if (path) throw new ConfigError(`config file ${path}: not found`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(candidate, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${candidate}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed)) throw new ConfigError(`config file ${candidate}: expected a JSON object at the top level`);
  return parsed;
}

function formatIssues(error: z.ZodError, origin: string, input?: Tree): string {
  const lines = error.issues.map((i) => {
    const path = i.path.map(String);
    const key = path.length ? path.join('.') : '(root)';
    const env = path.length ? ` (env ${toEnvName(path)})` : '';
    let value: unknown = input;
    for (const p of path) value = isObject(value) ? value[p] : Array.isArray(value) ? value[Number(p)] : undefined;
    const shown = path.at(-1) === 'password' ? REDACTED : typeof value === 'string' ? redactUri(value) : value;
    const got = value === undefined || isObject(value) ? '' : `; got ${JSON.stringify(shown)}`;
    return `  - ${key}${env}: ${i.message}${got}`;
  });
  return `invalid configuration (${origin}):\n${lines.join('\n')}`;
}

export interface LoadOptions {
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** CLI flags already shaped like the config (e.g. { kafka: { port: 1 } }). */
  overrides?: Tree;
  cwd?: string;
}

/**
 * Keys that were renamed, old dotted path -> new one: a file or environment that still sets the old name is
 * refused naming the new one (the strict schema would only say "unrecognized key"; the env layer would ignore it).
 */
const RENAMED_KEYS: Readonly<Record<string, string>> = {
  // #23: the producer's duplicate window counts record keys of any source, not only Random User's.
  'produce.dedupeWindowUsers': 'produce.dedupeWindowKeys',
};

function refuseRenamedKeys(file: Tree, env: NodeJS.ProcessEnv): void {
  for (const [old, now] of Object.entries(RENAMED_KEYS)) {
    const path = old.split('.');
    const inFile = path.reduce<Json | undefined>((node, key) => (isObject(node) ? node[key] : undefined), file as Json) !== undefined;
    const envName = toEnvName(path);
    if (inFile || env[envName] !== undefined) {
      throw new ConfigError(`${inFile ? `config key ${old}` : `env ${envName}`} was renamed ${now} (env ${toEnvName(now.split('.'))}), same meaning: set that instead`);
    }
  }
}

/** defaults < config file < environment < CLI flags, validated once. */
export function loadConfig(opts: LoadOptions = {}): StreamlineConfig {
  const cwd = opts.cwd ?? process.cwd();
  const defaults = defaultConfig(cwd);
  const file = fileLayer(opts.configFile, cwd);
  const inFile = credentialsInFile(file);
  if (inFile.length) {
    throw new ConfigError(
      `credentials in the config file ${opts.configFile ?? 'streamline.config.json'}: ${inFile.map((i) => `${i.key} (${i.message})`).join('; ')}`,
    );
  }
  refuseRenamedKeys(file, opts.env ?? process.env);
  const explicit = mergeLayers(file, envLayer(opts.env ?? process.env, defaults), opts.overrides ?? {});
  const merged = mergeLayers(defaults as unknown as Tree, explicit);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error, 'defaults < config file < STREAMLINE_* env < flags', merged));
  const given = (section: string, key: string) => isObject(explicit[section]) && (explicit[section] as Tree)[key] !== undefined;
  const config = applyClusterMode(result.data, {
    replicationFactor: given('kafka', 'replicationFactor'),
    minInsyncReplicas: given('kafka', 'minInsyncReplicas'),
    sparkMaster: given('spark', 'master'),
  });
  const issues = clusterIssues(config);
  if (issues.length) throw new ConfigError(`invalid configuration:\n${issues.map((i) => `  - ${i.key} (env ${toEnvName(i.key.split('.'))}): ${i.message}`).join('\n')}`);
  config.stateDir = resolve(cwd, config.stateDir);
  config.artifactsDir = resolve(cwd, config.artifactsDir ?? config.stateDir);
  return config;
}

/** The value printed by `--print-config`: a password inside a URI (mongo.uri from env) and kafka.sasl.password are masked. */
export function describeConfig(config: StreamlineConfig): string {
  return JSON.stringify(
    config,
    (key, value: unknown) => (typeof value !== 'string' ? value : key === 'password' ? REDACTED : redactUri(value)),
    2,
  );
}
