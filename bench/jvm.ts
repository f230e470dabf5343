import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { StreamlineConfig } from '../src/config/index.js';

/**
 * The JVM peers of the benchmarks (Kafka's ProducerPerformance, a Kafka Connect worker), run from the
 * jars setup laid out under <artifacts>/bench (runtime/pom.xml, profiles bench-peers and
 * bench-mongo-connector). They are references, not product services: started and stopped here.
 */

export const benchLibs = (config: StreamlineConfig): string => join(config.artifactsDir ?? config.stateDir, 'bench', 'libs');
export const benchPlugins = (config: StreamlineConfig): string => join(config.artifactsDir ?? config.stateDir, 'bench', 'plugins');

export function requireBenchJars(config: StreamlineConfig): void {
  const dirs = [benchLibs(config), join(benchPlugins(config), 'mongo-kafka-connect')];
  for (const dir of dirs) {
    if (!existsSync(dir) || readdirSync(dir).length === 0) throw new Error(`benchmark peer jars missing in ${dir}: run \`npm run setup\` (it lays them out from runtime/pom.xml)`);
  }
}

export interface JavaRun {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the JVM is gone. */
  exited: Promise<number | string>;
  /** Every line the JVM printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the first line matching `pattern` (already printed or to come); rejects if the JVM exits first or at the deadline. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `java -cp <libs>/* <mainClass> <args>`, its output copied to `logFile`. */
export function startJava(config: StreamlineConfig, opts: { mainClass: string; args: string[]; heap: string; logFile: string; jvmArgs?: string[] }): JavaRun {
  const child = spawn('java', [`-Xmx${opts.heap}`, ...(opts.jvmArgs ?? []), '-cp', `${benchLibs(config)}/*`, opts.mainClass, ...opts.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(opts.logFile);
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let partial = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const watch of watchers) watch(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (e) => resolve(`spawn failed: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (partial) lines.push(partial);
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const waitForLine = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      const timer = setTimeout(() => done(new Error(`${opts.mainClass}: no line matching ${pattern} within ${timeoutMs} ms (log: ${opts.logFile})`)), timeoutMs);
      const watch = (line: string) => pattern.test(line) && done(undefined, line);
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        watchers.delete(watch);
        if (error) reject(error);
        else resolve(line!);
      };
      watchers.add(watch);
      void exited.then((code) => done(new Error(`${opts.mainClass} exited (${code}) before printing a line matching ${pattern}; last lines:\n${lines.slice(-15).join('\n')}`)));
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
  };
  return { child, exited, lines, waitForLine, stop };
}

/** Fails with a clear message when a port the benchmark wants is taken (shared machine). */
export async function requireFreePort(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (e) => reject(new Error(`${what}: port ${host}:${port} is in use (${(e as Error).message}); pick another with --set ${what}-port=<port>`)));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
