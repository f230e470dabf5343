// Runs the CLI as a user would (`node bin/streamline.js ...`): the one way tests, benchmarks and the
// fault suite start it, as a child to watch (spawnCli) or to completion with its output (runCli).
import { spawn, type ChildProcess, type ChildProcessByStdio, type StdioOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

const repoRoot = resolve(import.meta.dirname, '..');

/** The CLI's entry point, as `npx streamline` runs it. */
export const CLI_ENTRY = resolve(repoRoot, 'bin', 'streamline.js');

export interface SpawnCliOptions {
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Where it runs (default: the repository root). */
  cwd?: string;
}

/**
 * Starts `node bin/streamline.js ...args` in the repository root with stdout and stderr piped, or with
 * `stdio` of the caller's (e.g. a log file's descriptor, which a detached grandchild may keep open
 * without holding up the child's `close`).
 */
export function spawnCli(args: readonly string[], opts?: SpawnCliOptions): ChildProcessByStdio<null, Readable, Readable>;
export function spawnCli(args: readonly string[], opts: SpawnCliOptions & { stdio: StdioOptions }): ChildProcess;
export function spawnCli(args: readonly string[], opts: SpawnCliOptions & { stdio?: StdioOptions } = {}): ChildProcess {
  return spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'] });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI to its end (killed after `timeoutMs`) and collects its exit code and output; `env` is
 * added to this process's environment (NO_COLOR set), or is the whole environment with `replaceEnv`.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, opts: { replaceEnv?: boolean; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawnCli(args, { env: opts.replaceEnv ? env : { ...process.env, NO_COLOR: '1', ...env }, ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** A port on which nothing listens (the OS just handed it out and it was closed again). */
export function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
