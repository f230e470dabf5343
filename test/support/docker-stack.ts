import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseImageTag, composeBinary, composeFile, testComposeFile } from '../../scripts/docker.js';
import { parseEnvFile } from './compose-stack.js';
import { checkoutPortOffset, portOffset } from '../../harness/ports.js';

// The compose test tier's handle on a real stack: deploy/compose.yaml + deploy/compose.test.yaml under
// a project name of its own, with an env file written per run (fresh credentials, host ports in the
// tier's port block), driven through the Compose CLI that scripts/docker.ts builds.

const root = resolve(import.meta.dirname, '..', '..');
export const stateDir = process.env.STREAMLINE_STATE_DIR ?? resolve(root, '.streamline');

export interface Stack {
  project: string;
  envFile: string;
  files: string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed at the deadline); never throws for a non-zero exit. */
export function run(command: string, args: string[], { timeoutMs = 600_000, cwd = root, echo }: { timeoutMs?: number; cwd?: string; echo?: string } = {}): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const onLine = (chunk: Buffer, sink: 'out' | 'err') => {
      const text = chunk.toString();
      if (sink === 'out') stdout += text;
      else stderr += text;
      if (echo) for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[${echo}] ${line}\n`);
    };
    child.stdout.on('data', (c: Buffer) => onLine(c, 'out'));
    child.stderr.on('data', (c: Buffer) => onLine(c, 'err'));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ code: 127, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** `docker compose` on the stack; throws with its output when it fails unless `allowFailure`. */
export async function compose(stack: Stack, args: string[], opts: { timeoutMs?: number; echo?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
  const full = ['-p', stack.project, ...stack.files.flatMap((f) => ['-f', f]), '--env-file', stack.envFile, ...args];
  const result = await run(composeBinary, full, opts);
  if (result.code !== 0 && !opts.allowFailure) {
    throw new Error(`docker compose ${args.join(' ')} exited ${result.code}:\n${(result.stderr || result.stdout).split('\n').slice(-30).join('\n')}`);
  }
  return result;
}

export async function docker(args: string[], opts: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<RunResult> {
  const result = await run('docker', args, opts);
  if (result.code !== 0 && !opts.allowFailure) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result;
}

/** What is left of a project: containers, networks and volumes carrying its compose label. */
export async function leftovers(project: string): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const lists = await Promise.all([
    docker(['ps', '-a', '--filter', label, '--format', 'container {{.Names}}']),
    docker(['network', 'ls', '--filter', label, '--format', 'network {{.Name}}']),
    docker(['volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}']),
  ]);
  return lists.flatMap((l) => l.stdout.split('\n').filter(Boolean));
}

/** The CA bundle this machine's package downloads need (a TLS-inspecting proxy), for the image builds. */
function hostCaBundle(): string {
  const candidate = process.env.NODE_EXTRA_CA_CERTS ?? process.env.SSL_CERT_FILE;
  return candidate && existsSync(candidate) ? candidate : '';
}

/**
 * The tier's env file: deploy/.env.example with every required credential filled with a fresh random
 * value, the tier's sizes (1 worker, small heaps: a shared 2-core machine) and host ports in its block.
 */
export function writeStackEnv(name: string, opts: { profiles?: string } = {}): Stack {
  const offset = portOffset('compose');
  const overrides: Record<string, string> = {
    COMPOSE_PROFILES: opts.profiles ?? '',
    BUILD_CA_CERTS: hostCaBundle(),
    KAFKA_1_HOST_PORT: String(19092 + offset),
    KAFKA_2_HOST_PORT: String(19094 + offset),
    KAFKA_3_HOST_PORT: String(19096 + offset),
    KAFKA_UI_HOST_PORT: String(13000 + offset),
    MONGO_HOST_PORT: String(37017 + offset),
    STREAMLINE_API_HOST_PORT: String(13001 + offset),
    AIRFLOW_HOST_PORT: String(18080 + offset),
    KAFKA_HEAP: '384m',
    SPARK_WORKERS: '1',
    SPARK_WORKER_CORES: '2',
    SPARK_WORKER_MEMORY: '1g',
    SPARK_EXECUTOR_MEMORY: '768m',
    SPARK_DRIVER_MEMORY: '1g',
    // Our FerretDB stands in for mongo (deploy/compose.test.yaml): SQLite backend, no users.
    STREAMLINE_MONGO_URI: 'mongodb://mongo:27017/',
    STREAMLINE_TEST_BASE_IMAGE: baseImageTag(),
  };
  const lines = parseEnvFile(readFileSync(join(root, 'deploy', '.env.example'), 'utf8')).map(({ name: key, value, comment }) => {
    const required = value === '' && /\(required/.test(comment);
    return `${key}=${overrides[key] ?? (required ? `s${randomBytes(12).toString('hex')}` : value)}`;
  });
  const known = new Set(lines.map((l) => l.slice(0, l.indexOf('='))));
  for (const [key, value] of Object.entries(overrides)) if (!known.has(key)) lines.push(`${key}=${value}`);
  const dir = join(stateDir, 'test', name);
  mkdirSync(dir, { recursive: true });
  const envFile = join(dir, 'stack.env');
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const project = `streamline-${name}-${checkoutPortOffset()}`;
  return { project, envFile, files: [composeFile, testComposeFile] };
}

/** Documents per collection of the pipeline's database, read inside the stream container with its own settings. */
export async function collectionCounts(stack: Stack): Promise<Record<string, number>> {
  const script =
    "import('mongodb').then(async ({ MongoClient }) => { const c = new MongoClient(process.env.STREAMLINE_MONGO_URI); try { const db = c.db(process.env.STREAMLINE_MONGO_DATABASE); const out = {}; " +
    'for (const { name } of await db.listCollections().toArray()) out[name] = await db.collection(name).countDocuments(); console.log(JSON.stringify(out)); } finally { await c.close(); } })';
  const result = await compose(stack, ['exec', '-T', 'streamline-stream', 'node', '-e', script], { timeoutMs: 60_000 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
}
