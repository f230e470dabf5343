import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiUrl, kafkaBootstrap, loadConfig, mongoUri, redactUri, sparkRemote, type StreamlineConfig } from '../../src/config/index.js';
import { envLayer } from '../../src/config/load.js';

// Cross-checks of deploy/compose.yaml against our configuration schema, on the model compose-go
// (deploy/validate, built by setup) parsed and normalised. Each check is a pure function from the
// model to a list of problems, one line each, starting with the service it concerns.

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  expose?: string[];
  ports?: { target: number; published?: string; host_ip?: string }[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  hostname?: string;
  networks?: Record<string, { aliases?: string[] } | null>;
  volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
}
export interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export type LoadResult = { ok: true; model: ComposeModel } | { ok: false; error: string };

/** Runs compose-go on a compose file; `vars` stand in for shell variables (they beat the env files). */
export function loadStack(validator: string, composeFile: string, envFiles: string[], vars: Record<string, string> = {}): LoadResult {
  const args = ['-f', composeFile, ...envFiles.flatMap((f) => ['--env-file', f]), ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
  try {
    return { ok: true, model: JSON.parse(execFileSync(validator, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as ComposeModel };
  } catch (e) {
    const error = e as { stderr?: string; message: string };
    return { ok: false, error: error.stderr || error.message };
  }
}

export interface EnvEntry {
  name: string;
  value: string;
  comment: string;
}

/** `NAME=value` lines of an env file, each with the comment lines right above it. */
export function parseEnvFile(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let comment: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) comment.push(trimmed.replace(/^#\s?/, ''));
    else if (/^[A-Z0-9_]+=/.test(trimmed)) {
      const at = trimmed.indexOf('=');
      entries.push({ name: trimmed.slice(0, at), value: trimmed.slice(at + 1), comment: comment.join(' ') });
      comment = [];
    } else comment = [];
  }
  return entries;
}

/** Variables a compose file interpolates: ${NAME}, ${NAME:-default}, ${NAME:?error}. */
export const interpolatedVariables = (composeText: string): string[] =>
  [...new Set([...composeText.replace(/^\s*#.*$/gm, '').matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();

const portsOf = (service: ComposeService): number[] => [
  ...(service.expose ?? []).map((p) => Number(String(p).split('/')[0])),
  ...(service.ports ?? []).map((p) => p.target),
];

/** The service a hostname reaches: its name, its `hostname`, or a network alias. */
export function serviceFor(model: ComposeModel, host: string): string | undefined {
  if (model.services[host]) return host;
  return Object.entries(model.services).find(
    ([, s]) => s.hostname === host || Object.values(s.networks ?? {}).some((n) => n?.aliases?.includes(host)),
  )?.[0];
}

/** Empty when host:port is reachable inside the stack, else why not. */
export function unreachable(model: ComposeModel, host: string, port: number): string | undefined {
  const service = serviceFor(model, host);
  if (!service) return `no service, hostname or alias "${host}" in the stack`;
  const ports = portsOf(model.services[service]!);
  if (!ports.includes(port)) return `${service} listens on ${ports.length ? ports.join(', ') : 'no declared port'}, not ${port}`;
  return undefined;
}

interface Endpoint {
  setting: string;
  address: string;
  targets: { host: string; port: number }[];
}

const hostPort = (text: string, defaultPort: number) => {
  const at = text.lastIndexOf(':');
  return at > 0 ? { host: text.slice(0, at), port: Number(text.slice(at + 1)) } : { host: text, port: defaultPort };
};

/** Every address the app's effective configuration connects to, from our own endpoint functions. */
export function endpointsOf(config: StreamlineConfig): Endpoint[] {
  const viaUrl = (setting: string, address: string, defaultPort: number): Endpoint => {
    const url = new URL(address);
    return { setting, address: redactUri(address), targets: [{ host: url.hostname, port: url.port ? Number(url.port) : defaultPort }] };
  };
  return [
    { setting: 'kafka.bootstrapServers', address: kafkaBootstrap(config), targets: kafkaBootstrap(config).split(',').map((s) => hostPort(s.trim(), 9092)) },
    viaUrl('spark.remote', sparkRemote(config), 15002),
    viaUrl('mongo.uri', mongoUri(config), 27017),
    viaUrl('api.url', apiUrl(config), 80),
  ];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0']);

/**
 * Services whose environment configures streamline (STREAMLINE_*): every name must be a setting of our
 * schema, the values must load through our config loader, and every endpoint must exist in the stack.
 */
export function checkAppEndpoints(model: ComposeModel): string[] {
  const problems: string[] = [];
  const emptyDir = mkdtempSync(join(tmpdir(), 'streamline-compose-')); // no streamline.config.json here
  try {
    for (const [name, service] of Object.entries(model.services)) {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).filter(([k, v]) => k.startsWith('STREAMLINE_') && v !== null)) as Record<string, string>;
      if (Object.keys(env).length === 0) continue;
      for (const [key, value] of Object.entries(env)) {
        if (Object.keys(envLayer({ [key]: value || 'x' })).length === 0) problems.push(`${name}: ${key} is not a streamline setting (src/config/schema.ts)`);
      }
      let config: StreamlineConfig;
      try {
        config = loadConfig({ env, cwd: emptyDir });
      } catch (e) {
        problems.push(`${name}: ${(e as Error).message}`);
        continue;
      }
      for (const endpoint of endpointsOf(config)) {
        for (const { host, port } of endpoint.targets) {
          if (LOOPBACK.has(host)) continue;
          const why = unreachable(model, host, port);
          if (why) problems.push(`${name}: ${endpoint.setting} ${endpoint.address} names ${host}:${port}, but ${why}`);
        }
      }
    }
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
  return problems;
}

/** host:port references in other services' environment and commands (controller voters, spark://, JDBC-style URLs). */
export function checkServiceReferences(model: ComposeModel): string[] {
  const problems: string[] = [];
  const reference = /(?<=^|[\s/@,=;'"])([a-z][a-z0-9_-]*):(\d{1,5})(?![\w@.])/g;
  for (const [name, service] of Object.entries(model.services)) {
    const texts = [
      ...Object.entries(service.environment ?? {}).filter(([k]) => !k.startsWith('STREAMLINE_')).map(([, v]) => v ?? ''),
      ...(service.command ?? []),
    ];
    for (const text of texts) {
      for (const [, host, port] of text.matchAll(reference)) {
        if (LOOPBACK.has(host!)) continue;
        const why = unreachable(model, host!, Number(port));
        if (why) problems.push(`${name}: refers to ${host}:${port}, but ${why}`);
      }
    }
  }
  return problems;
}

/** image:tag with a real tag: not `latest`, not missing. Locally built images are checked through their Dockerfiles. */
export const unpinned = (image: string): boolean => {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  return !image.includes('@sha256:') && (!tag || tag === 'latest');
};

export function checkImages(model: ComposeModel): string[] {
  return Object.entries(model.services).flatMap(([name, s]) => {
    if (!s.image) return [`${name}: no image`];
    return unpinned(s.image) ? [`${name}: image ${s.image} is not pinned to a version tag`] : [];
  });
}

/** `FROM` images of a Dockerfile, stage references excluded. */
export function dockerfileBases(text: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const m of text.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)) {
    if (!stages.has(m[1]!)) bases.push(m[1]!);
    if (m[2]) stages.add(m[2]);
  }
  return bases;
}

/** Long-running services have a health check; every dependency waits for health or successful completion. */
export function checkHealth(model: ComposeModel): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(model.services)) {
    const oneShot = s.restart === 'no';
    if (!oneShot && (!s.healthcheck?.test?.length || s.healthcheck.disable)) problems.push(`${name}: long-running but has no health check`);
    for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
      const target = model.services[dependency];
      const wanted = target?.restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
      if (condition !== wanted) problems.push(`${name}: depends on ${dependency} with ${condition}, expected ${wanted}`);
      else if (wanted === 'service_healthy' && !target?.healthcheck?.test?.length) problems.push(`${name}: waits for ${dependency} to be healthy, which has no health check`);
    }
  }
  return problems;
}

const SECRET_NAME = /(PASSWORD|SECRET|FERNET_KEY)$/;
const WELL_KNOWN_DEFAULTS = new Set(['', 'admin', 'airflow', 'password', 'changeme', 'change-me', 'secret', 'example', 'root', 'mongo', 'postgres']);

/** Every credential-like variable has a value from `secrets` (i.e. from .env), never a well-known default. */
export function checkCredentials(model: ComposeModel, secrets: Set<string>): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(model.services)) {
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (!SECRET_NAME.test(key)) continue;
      if (WELL_KNOWN_DEFAULTS.has((value ?? '').toLowerCase())) problems.push(`${name}: ${key} has a default password`);
      else if (!secrets.has(value ?? '')) problems.push(`${name}: ${key} does not come from a .env credential`);
    }
  }
  return problems;
}

/** Reads one <properties> value of a pom. */
export const pomProperty = (pom: string, name: string): string | undefined => new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(pom)?.[1];

export const readText = (path: string): string => readFileSync(path, 'utf8');
