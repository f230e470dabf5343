import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamlineConfig } from '../config/index.js';
import { MissingArtifactError } from '../core/errors.js';
import { memoryMb } from './budget.js';

/** 'kafka', 'spark', 'ferretdb' in single-node mode; cluster nodes are 'kafka-1', 'spark-master', 'spark-worker-1', ... */
export type ServiceName = string;

/** What a process is, for `status` and for the order of `down` (drivers first, storage last). */
export type ServiceRole = 'stream-supervisor' | 'spark-driver' | 'spark-worker' | 'spark-master' | 'kafka-broker' | 'mongo';
// The stream supervisor first: stopped after the driver, it would start that driver again.
export const STOP_ORDER: ServiceRole[] = ['stream-supervisor', 'spark-driver', 'spark-worker', 'spark-master', 'kafka-broker', 'mongo'];

export interface PortClaim {
  host: string;
  port: number;
  /** What the port is for, e.g. "Kafka broker listener". */
  purpose: string;
  /** The config key that moves it, for the error message. */
  configKey: string;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Everything the supervisor needs to start, probe and describe one local service. */
export interface ServiceSpec {
  name: ServiceName;
  role: ServiceRole;
  /** Start order: every spec of a lower phase is ready before a higher phase starts (master before workers before driver). */
  phase: number;
  title: string;
  address: string;
  ports: PortClaim[];
  /** Throws a MissingArtifactError naming what is missing (jars, binary) and how to get it. */
  checkArtifacts(): void;
  /** Writes config files, formats storage; idempotent. */
  prepare(): Promise<void>;
  launch(): LaunchSpec;
  /** Resolves when the service answers a real request; rejects otherwise. */
  probe(timeoutMs: number): Promise<void>;
  startTimeoutMs: number;
}

export const artifactsOf = (config: StreamlineConfig) => config.artifactsDir ?? config.stateDir;
export const serviceDir = (config: StreamlineConfig, name: ServiceName) => join(config.stateDir, name);
export const logFileOf = (config: StreamlineConfig, name: ServiceName) => join(config.stateDir, 'logs', `${name}.log`);

// Spark's launcher scripts add these for Java 17+ (JavaModuleOptions); we start the JVM ourselves.
export const SPARK_JAVA_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-modules=jdk.incubator.vector',
  ...[
    'java.lang', 'java.lang.invoke', 'java.lang.reflect', 'java.io', 'java.net', 'java.nio', 'java.util',
    'java.util.concurrent', 'java.util.concurrent.atomic', 'jdk.internal.ref', 'sun.nio.ch', 'sun.nio.cs',
    'sun.security.action', 'sun.util.calendar',
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
  '-Djdk.reflect.useDirectMethodHandle=false',
  '-Dio.netty.tryReflectionSetAccessible=true',
];

// A long-running driver's RSS follows the heap G1 has touched, not its live data (170-260 MB in the 2 h
// soaks): G1 grew and shrank the heap and its young generation with the load, and let garbage fill the old
// generation up to an adaptive marking threshold, so the RSS wandered between 0.9 and 1.8 GB. Here the heap
// is touched at start up to a floor (768 MB, or all of a smaller heap) and never shrinks; the young
// generation is bounded, marking starts at a fixed 45 % and growth for GC time is damped, so the heap stays
// within its floor for as long as the live data does (docs/decisions.md, "The driver's memory over weeks").
// The GC log says what the heap did when a soak or an operator asks.
export function driverJvmOptions(heap: string, gcLogFile: string): string[] {
  const heapMb = memoryMb(heap);
  return [
    `-Xmx${heap}`,
    `-Xms${Math.min(768, heapMb)}m`,
    '-XX:+AlwaysPreTouch',
    `-XX:MaxNewSize=${Math.min(384, Math.floor(heapMb / 2))}m`,
    '-XX:MaxHeapFreeRatio=100',
    '-XX:GCTimeRatio=4',
    '-XX:-G1UseAdaptiveIHOP',
    '-XX:InitiatingHeapOccupancyPercent=45',
    `-Xlog:gc:file=${gcLogFile}:time,uptime:filecount=3,filesize=10m`,
  ];
}

export function requireJars(dir: string, what: string): void {
  if (!existsSync(dir) || readdirSync(dir).filter((f) => f.endsWith('.jar')).length === 0) {
    throw new MissingArtifactError(`missing artifact: no ${what} jars in ${dir}`, { hint: 'run `npm run setup` (it downloads them from Maven Central)' });
  }
}

export const log4jConfig = (rootLevel: string, loggers: Record<string, string>) =>
  [
    'status = warn',
    'appender.console.type = Console',
    'appender.console.name = console',
    'appender.console.target = SYSTEM_OUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n',
    `rootLogger.level = ${rootLevel}`,
    'rootLogger.appenderRef.console.ref = console',
    ...Object.entries(loggers).flatMap(([name, level], i) => [
      `logger.l${i}.name = ${name}`,
      `logger.l${i}.level = ${level}`,
    ]),
  ].join('\n') + '\n';

