import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { StreamlineConfig } from '../config/index.js';
import { RuntimeError } from './errors.js';
import { portFree } from './ports.js';
import { isRunning, startProcess, stopProcess, tailFile, type ProcessRecord } from './process.js';
import { localServices, logFileOf, type ServiceName, type ServiceSpec } from './services.js';

export interface ServiceRecord extends ProcessRecord {
  name: ServiceName;
  address: string;
}

export type RuntimeEvent =
  | { type: 'starting'; service: ServiceName; title: string; address: string }
  | { type: 'ready'; service: ServiceName; elapsedMs: number }
  | { type: 'already-running'; service: ServiceName; pid: number }
  | { type: 'stopping'; service: ServiceName; pid: number }
  | { type: 'stopped'; service: ServiceName; pid: number };

export interface UpOptions {
  onEvent?: (event: RuntimeEvent) => void;
  /** Start only these services (default: every local service the config asks for). */
  only?: ServiceName[];
}

export interface UpResult {
  started: ServiceRecord[];
  alreadyRunning: ServiceRecord[];
}

const runDir = (config: StreamlineConfig) => join(config.stateDir, 'run');
const recordFile = (config: StreamlineConfig, name: ServiceName) => join(runDir(config), `${name}.json`);

export function readRecord(config: StreamlineConfig, name: ServiceName): ServiceRecord | undefined {
  const file = recordFile(config, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ServiceRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(config: StreamlineConfig, record: ServiceRecord): void {
  mkdirSync(runDir(config), { recursive: true });
  writeFileSync(recordFile(config, record.name), JSON.stringify(record, null, 2));
}

const removeRecord = (config: StreamlineConfig, name: ServiceName) => rmSync(recordFile(config, name), { force: true });


async function checkPorts(spec: ServiceSpec): Promise<void> {
  for (const claim of spec.ports) {
    if (!(await portFree(claim.host, claim.port))) {
      throw new RuntimeError(
        `${spec.name}: port ${claim.port} on ${claim.host} (${claim.purpose}) is already in use`,
        `stop whatever listens there, or choose another port with ${claim.configKey} (env STREAMLINE_${claim.configKey.replace('.', '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()})`,
      );
    }
  }
}

/** Polls the service's real readiness probe until it answers, the process dies, or the deadline passes. */
async function awaitReady(spec: ServiceSpec, record: ServiceRecord): Promise<void> {
  const deadline = Date.now() + spec.startTimeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(record)) {
      throw new RuntimeError(`${spec.name}: the process exited during start`, `see ${record.logFile}`, tailFile(record.logFile));
    }
    try {
      await spec.probe(Math.min(5_000, Math.max(1_000, deadline - Date.now())));
      return;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await delay(500);
  }
  throw new RuntimeError(
    `${spec.name}: not ready after ${Math.round(spec.startTimeoutMs / 1000)} s (last probe: ${lastError})`,
    `see ${record.logFile}`,
    tailFile(record.logFile),
  );
}

/**
 * Starts every local service that is not already running, waits until each answers a real request,
 * and records pids so `down` stops exactly these processes. On any failure, stops what this call started.
 */
export async function up(config: StreamlineConfig, opts: UpOptions = {}): Promise<UpResult> {
  const emit = opts.onEvent ?? (() => undefined);
  const specs = localServices(config).filter((s) => !opts.only || opts.only.includes(s.name));
  mkdirSync(join(config.stateDir, 'logs'), { recursive: true });

  const alreadyRunning: ServiceRecord[] = [];
  const toStart: ServiceSpec[] = [];
  for (const spec of specs) {
    const existing = readRecord(config, spec.name);
    if (existing && isRunning(existing)) {
      alreadyRunning.push(existing);
      emit({ type: 'already-running', service: spec.name, pid: existing.pid });
    } else {
      if (existing) removeRecord(config, spec.name);
      toStart.push(spec);
    }
  }

  // Fail fast on anything we can check before spawning a JVM.
  for (const spec of toStart) {
    spec.checkArtifacts();
    await checkPorts(spec);
  }

  const started: ServiceRecord[] = [];
  try {
    await Promise.all(
      toStart.map(async (spec) => {
        const t0 = Date.now();
        emit({ type: 'starting', service: spec.name, title: spec.title, address: spec.address });
        await spec.prepare();
        const launch = spec.launch();
        const record: ServiceRecord = {
          name: spec.name,
          address: spec.address,
          ...startProcess({ ...launch, logFile: logFileOf(config, spec.name) }),
        };
        started.push(record);
        writeRecord(config, record);
        await awaitReady(spec, record);
        emit({ type: 'ready', service: spec.name, elapsedMs: Date.now() - t0 });
      }),
    );
  } catch (e) {
    await Promise.all(
      started.map(async (record) => {
        await stopProcess(record, 5_000);
        removeRecord(config, record.name);
      }),
    );
    throw e;
  }
  return { started, alreadyRunning };
}

export interface DownResult {
  stopped: ServiceRecord[];
  /** Processes that survived SIGTERM and SIGKILL (should never happen; reported, not hidden). */
  survivors: ServiceRecord[];
}

/** Stops exactly the processes `up` recorded, and verifies by pid that none is left. */
export async function down(config: StreamlineConfig, opts: { onEvent?: (e: RuntimeEvent) => void; only?: ServiceName[] } = {}): Promise<DownResult> {
  const emit = opts.onEvent ?? (() => undefined);
  const names = (['spark', 'kafka', 'ferretdb'] as ServiceName[]).filter((n) => !opts.only || opts.only.includes(n));
  const records = names.map((n) => readRecord(config, n)).filter((r): r is ServiceRecord => r !== undefined);
  const stopped: ServiceRecord[] = [];
  const survivors: ServiceRecord[] = [];
  // Spark first: its queries write to Kafka and Mongo and should not see them vanish first.
  for (const record of records) {
    if (!isRunning(record)) {
      removeRecord(config, record.name);
      continue;
    }
    emit({ type: 'stopping', service: record.name, pid: record.pid });
    const gone = await stopProcess(record);
    if (gone) {
      stopped.push(record);
      removeRecord(config, record.name);
      emit({ type: 'stopped', service: record.name, pid: record.pid });
    } else {
      survivors.push(record);
    }
  }
  return { stopped, survivors };
}

export type Health = 'healthy' | 'unhealthy' | 'stopped' | 'external';

export interface ServiceStatus {
  name: ServiceName;
  title: string;
  address: string;
  pid?: number;
  startedAt?: string;
  uptimeMs?: number;
  health: Health;
  detail?: string;
  logFile: string;
}

/** One line per local service: address, pid, uptime and a live health probe. */
export async function status(config: StreamlineConfig, probeTimeoutMs = 3_000): Promise<ServiceStatus[]> {
  return Promise.all(
    localServices(config).map(async (spec): Promise<ServiceStatus> => {
      const base = { name: spec.name, title: spec.title, address: spec.address, logFile: logFileOf(config, spec.name) };
      const record = readRecord(config, spec.name);
      if (!record || !isRunning(record)) return { ...base, health: 'stopped', detail: record ? 'process exited; see its log' : undefined };
      const running = { ...base, pid: record.pid, startedAt: record.startedAt, uptimeMs: Date.now() - Date.parse(record.startedAt) };
      try {
        await spec.probe(probeTimeoutMs);
        return { ...running, health: 'healthy' };
      } catch (e) {
        return { ...running, health: 'unhealthy', detail: (e as Error).message };
      }
    }),
  );
}
