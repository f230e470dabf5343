// A Spark Connect server for this package's integration tests, started from a directory of Spark 4 jars
// (spark-connect and this package's routed-foreachBatch plugin among them), so the tests need the
// package and a JVM, nothing of the application that uses the package.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ROUTED_FOREACH_BATCH_PLUGIN_CLASS, SparkSession } from '../../src/index.js';

/** Where to find a server: an existing one (`SPARK_REMOTE`), or jars to start one from (`SPARK_CONNECT_JARS`). */
export interface SparkServerSettings {
  remote?: string;
  jarsDir?: string;
  /** The gRPC port of a server this helper starts (`SPARK_CONNECT_TEST_PORT`; it has no UI). */
  port: number;
}

/** Outside the Spark defaults (15002, 4040), so a developer's own server does not answer the tests. */
export const DEFAULT_TEST_PORT = 26302;

export function sparkServerSettings(env: NodeJS.ProcessEnv = process.env): SparkServerSettings {
  const portText = env.SPARK_CONNECT_TEST_PORT ?? String(DEFAULT_TEST_PORT);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new Error(`SPARK_CONNECT_TEST_PORT must be a port number 1-65535, got ${JSON.stringify(portText)}`);
  return { remote: env.SPARK_REMOTE || undefined, jarsDir: env.SPARK_CONNECT_JARS || undefined, port };
}

/** The JVM options Spark 4 needs on Java 17+ (its launcher scripts pass the same). */
const JAVA_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  ...['java.lang', 'java.lang.invoke', 'java.lang.reflect', 'java.io', 'java.net', 'java.nio', 'java.util', 'java.util.concurrent', 'java.util.concurrent.atomic', 'jdk.internal.ref', 'sun.nio.ch', 'sun.nio.cs', 'sun.security.action', 'sun.util.calendar'].map(
    (pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`,
  ),
  '-Djdk.reflect.useDirectMethodHandle=false',
  '-Dio.netty.tryReflectionSetAccessible=true',
];

/** `java ... SparkSubmit ... SparkConnectServer` on 127.0.0.1:port, local[2], with the package's server plugin. */
export function sparkConnectServerArgs(jarsDir: string, port: number, workDir: string): string[] {
  const conf: Record<string, string> = {
    'spark.master': 'local[2]',
    'spark.app.name': 'spark-connect-package-tests',
    'spark.driver.memory': '1g',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.connect.grpc.binding.address': '127.0.0.1',
    'spark.connect.grpc.binding.port': String(port),
    'spark.connect.grpc.port.maxRetries': '0',
    'spark.ui.enabled': 'false',
    'spark.local.dir': join(workDir, 'tmp'),
    'spark.sql.warehouse.dir': join(workDir, 'warehouse'),
    'spark.sql.shuffle.partitions': '4',
    'spark.connect.extensions.command.classes': ROUTED_FOREACH_BATCH_PLUGIN_CLASS,
  };
  return [
    '-Xmx1g',
    ...JAVA_OPTIONS,
    '-cp', `${jarsDir}/*`,
    'org.apache.spark.deploy.SparkSubmit',
    ...Object.entries(conf).flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
    '--class', 'org.apache.spark.sql.connect.service.SparkConnectServer',
    'spark-internal',
  ];
}

/** Resolves once `SELECT 1` answers at `remote`; fails if the server exits first or after `timeoutMs`. */
async function waitUntilAnswering(remote: string, server: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`the Spark Connect server exited (${server.exitCode ?? server.signalCode}) before it answered:\n${output().slice(-2000)}`);
    try {
      const spark = await SparkSession.builder().remote(remote).deadlineMs(5_000).getOrCreate();
      try {
        await spark.sql('SELECT 1 AS one').collect();
        return;
      } finally {
        await spark.stop().catch(() => undefined);
      }
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the Spark Connect server at ${remote} did not answer within ${timeoutMs / 1000} s: ${(e as Error).message}`);
    }
    // Not a synchronisation: the pause between readiness probes of a JVM that takes tens of seconds.
    await delay(1_000);
  }
}

export interface StartedSparkServer {
  remote: string;
  stop(): Promise<void>;
}

/**
 * The server the settings name: `SPARK_REMOTE` as is (nothing to stop), or one started from
 * `SPARK_CONNECT_JARS` and stopped (SIGTERM, then SIGKILL after 30 s) by `stop`.
 */
export async function startSparkServer(settings: SparkServerSettings, log: (line: string) => void): Promise<StartedSparkServer> {
  if (settings.remote) return { remote: settings.remote, stop: async () => undefined };
  if (!settings.jarsDir) {
    throw new Error('no Spark Connect server for the integration tests: set SPARK_REMOTE=sc://host:port for a running one, or SPARK_CONNECT_JARS to a directory of Spark 4.0 jars with spark-connect and the routed-foreachBatch plugin (in the streamline repository, `npm run setup` lays them out in .streamline/spark/jars)');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'spark-connect-tests-'));
  const remote = `sc://127.0.0.1:${settings.port}`;
  log(`starting Spark Connect at ${remote} from ${settings.jarsDir} (set SPARK_REMOTE to use a running server)...`);
  const server = spawn('java', sparkConnectServerArgs(settings.jarsDir, settings.port, workDir), { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  const exited = new Promise<void>((done) => server.once('close', () => done()));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(remote, server, 240_000, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { remote, stop };
}
