import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { StreamlineConfig } from '../config/index.js';
import { PortInUseError, ServiceFailedError } from '../core/errors.js';
import { portFree } from './ports.js';
import { isRunning, startProcess, stopProcess, tailFile, type ProcessRecord } from './process.js';
import { checkMemoryBudget } from './budget.js';
import { localServices, logFileOf, STOP_ORDER, type ServiceName, type ServiceRole, type ServiceSpec } from './services.js';
import { checkLocalBindings, type BindSection } from './bind.js';
import type { LaunchSpec } from './spec.js';

export interface ServiceRecord extends ProcessRecord {
  name: ServiceName;
  /** Absent in records written before cluster mode (single-node services). */
  role?: ServiceRole;
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
  /** Wait this long for each service to answer instead of its own start timeout (a supervisor with a deadline of its own). */
  startTimeoutMs?: number;
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

/** Every process record in the state dir, whatever config wrote it (so `down` also stops a cluster started with other flags). */
function allRecords(config: StreamlineConfig): ServiceRecord[] {
  if (!existsSync(runDir(config))) return [];
  return readdirSync(runDir(config))
    .filter((f) => f.endsWith('.json'))
    .map((f) => readRecord(config, f.slice(0, -'.json'.length)))
    .filter((r): r is ServiceRecord => r !== undefined);
}

/**
 * Whether `up` started this service and it still runs ('running'), `up` started it and its process is
 * gone without `down` ('crashed': what a supervisor may restart with `up({ only })`), or it is not
 * recorded ('not-started': never started here, or stopped on purpose by `down`).
 */
export function serviceState(config: StreamlineConfig, name: ServiceName): 'running' | 'crashed' | 'not-started' {
  const record = readRecord(config, name);
  if (!record) return 'not-started';
  return isRunning(record) ? 'running' : 'crashed';
}

/** Names of the nodes recorded in the state dir (e.g. to tell that a cluster was started there). */
export const recordedNodes = (config: StreamlineConfig): ServiceName[] => allRecords(config).map((r) => r.name);

const LEGACY_ROLES: Record<string, ServiceRole> = { spark: 'spark-driver', kafka: 'kafka-broker', ferretdb: 'mongo' };
/** Which config section's host (and allowRemote) each kind of process listens on (the stream supervisor listens on none). */
const BIND_SECTION: Record<ServiceRole, BindSection | undefined> = { 'kafka-broker': 'kafka', 'spark-driver': 'spark', 'spark-master': 'spark', 'spark-worker': 'spark', mongo: 'mongo', 'stream-supervisor': undefined };

const stopRank = (r: ServiceRecord) => STOP_ORDER.indexOf(r.role ?? LEGACY_ROLES[r.name] ?? 'mongo');


const CRASHED_PORT_RELEASE_MS = 15_000;

/**
 * A service restarted after a crash may find its ports still held for a moment while the kernel tears
 * down the dead process (a killed JVM's threads outlive its main thread): `releaseWaitMs` gives them
 * that long before the port counts as taken by someone else.
 */
async function checkPorts(spec: ServiceSpec, releaseWaitMs: number): Promise<void> {
  for (const claim of spec.ports) {
    const deadline = Date.now() + releaseWaitMs;
    let free = await portFree(claim.host, claim.port);
    while (!free && Date.now() < deadline) {
      await delay(250);
      free = await portFree(claim.host, claim.port);
    }
    if (!free) {
      throw new PortInUseError(`${spec.name}: port ${claim.port} on ${claim.host} (${claim.purpose}) is already in use`, {
        hint: `stop whatever listens there, or choose another port with ${claim.configKey} (env STREAMLINE_${claim.configKey.replace('.', '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()})`,
      });
    }
  }
}

/** Polls the service's real readiness probe until it answers, the process dies, or the deadline passes. */
async function awaitReady(spec: ServiceSpec, record: ServiceRecord): Promise<void> {
  const deadline = Date.now() + spec.startTimeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(record)) {
      throw new ServiceFailedError(`${spec.name}: the process exited during start`, { hint: `see ${record.logFile}`, details: tailFile(record.logFile) });
    }
    try {
      await spec.probe(Math.min(15_000, Math.max(1_000, deadline - Date.now())));
      return;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await delay(500);
  }
  throw new ServiceFailedError(`${spec.name}: not ready after ${Math.round(spec.startTimeoutMs / 1000)} s (last probe: ${lastError})`, {
    hint: `see ${record.logFile}`,
    details: tailFile(record.logFile),
  });
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
  const crashed = new Set<ServiceName>();
  for (const spec of specs) {
    const existing = readRecord(config, spec.name);
    if (existing && isRunning(existing)) {
      alreadyRunning.push(existing);
      emit({ type: 'already-running', service: spec.name, pid: existing.pid });
    } else {
      if (existing) {
        removeRecord(config, spec.name);
        crashed.add(spec.name);
      }
      toStart.push(spec);
    }
  }

  // Fail fast on anything we can check before spawning a JVM: first where it would listen.
  checkLocalBindings(config, toStart.flatMap((spec) => BIND_SECTION[spec.role] ?? []));
  for (const spec of toStart) {
    spec.checkArtifacts();
    await checkPorts(spec, crashed.has(spec.name) ? CRASHED_PORT_RELEASE_MS : 0);
  }
  checkMemoryBudget(config, toStart.map((s) => s.name));

  const started: ServiceRecord[] = [];
  const phases = [...new Set(toStart.map((s) => s.phase))].sort((a, b) => a - b);
  try {
    for (const phase of phases) await Promise.all(
      toStart.filter((s) => s.phase === phase).map(async (spec) => {
        const t0 = Date.now();
        emit({ type: 'starting', service: spec.name, title: spec.title, address: spec.address });
        await spec.prepare();
        const launch = spec.launch();
        const record: ServiceRecord = {
          name: spec.name,
          role: spec.role,
          address: spec.address,
          ...startProcess({ ...launch, logFile: logFileOf(config, spec.name) }),
        };
        started.push(record);
        writeRecord(config, record);
        await awaitReady(opts.startTimeoutMs ? { ...spec, startTimeoutMs: opts.startTimeoutMs } : spec, record);
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

/**
 * Starts a long-lived process of ours that is not one of the config's local services (the stream
 * supervisor), under a record like theirs: `down` stops it, `status` shows it.
 */
export function startRecorded(config: StreamlineConfig, spec: { name: ServiceName; role: ServiceRole; address: string; launch: LaunchSpec }): ServiceRecord {
  mkdirSync(join(config.stateDir, 'logs'), { recursive: true });
  const record: ServiceRecord = { name: spec.name, role: spec.role, address: spec.address, ...startProcess({ ...spec.launch, logFile: logFileOf(config, spec.name) }) };
  writeRecord(config, record);
  return record;
}

/** The recorded process if it still runs. */
export function runningRecord(config: StreamlineConfig, name: ServiceName): ServiceRecord | undefined {
  const record = readRecord(config, name);
  return record && isRunning(record) ? record : undefined;
}

/** Stops one recorded process (SIGTERM, then SIGKILL after graceMs) and removes its record; false if it survived. */
export async function stopRecorded(config: StreamlineConfig, name: ServiceName, graceMs = 15_000): Promise<boolean> {
  const record = readRecord(config, name);
  if (!record) return true;
  if (!(await stopProcess(record, graceMs))) return false;
  removeRecord(config, name);
  return true;
}

export interface DownResult {
  stopped: ServiceRecord[];
  /** Processes that survived SIGTERM and SIGKILL (should never happen; reported, not hidden). */
  survivors: ServiceRecord[];
}

/** Stops exactly the processes `up` recorded, and verifies by pid that none is left. */
export async function down(config: StreamlineConfig, opts: { onEvent?: (e: RuntimeEvent) => void; only?: ServiceName[] } = {}): Promise<DownResult> {
  const emit = opts.onEvent ?? (() => undefined);
  const records = allRecords(config).filter((r) => !opts.only || opts.only.includes(r.name));
  const stopped: ServiceRecord[] = [];
  const survivors: ServiceRecord[] = [];
  // Spark driver first (its queries write to Kafka and Mongo and should not see them vanish first), then
  // workers, master, brokers, store. Nodes of one role stop together: brokers keep their quorum meanwhile.
  for (const rank of [...new Set(records.map(stopRank))].sort((a, b) => a - b)) {
    await Promise.all(
      records.filter((r) => stopRank(r) === rank).map(async (record) => {
        if (!isRunning(record)) {
          removeRecord(config, record.name);
          return;
        }
        emit({ type: 'stopping', service: record.name, pid: record.pid });
        if (await stopProcess(record)) {
          stopped.push(record);
          removeRecord(config, record.name);
          emit({ type: 'stopped', service: record.name, pid: record.pid });
        } else {
          survivors.push(record);
        }
      }),
    );
  }
  return { stopped, survivors };
}

export type Health = 'healthy' | 'unhealthy' | 'stopped' | 'external';

export interface ServiceStatus {
  name: ServiceName;
  role: ServiceRole;
  title: string;
  address: string;
  pid?: number;
  startedAt?: string;
  uptimeMs?: number;
  health: Health;
  detail?: string;
  logFile: string;
}

/** Recorded processes of ours that are not local services (the stream supervisor): alive or not, by pid. */
function recordedExtras(config: StreamlineConfig): ServiceStatus[] {
  const services = new Set(localServices(config).map((s) => s.name));
  return allRecords(config)
    .filter((r) => r.role === 'stream-supervisor' && !services.has(r.name))
    .map((r) => {
      const base = { name: r.name, role: 'stream-supervisor' as const, title: 'stream supervisor (keeps the streaming queries running)', address: r.address, logFile: r.logFile };
      // Its record is removed when it is stopped on purpose: a record without a process is a crash.
      if (!isRunning(r)) return { ...base, health: 'unhealthy', detail: `process ${r.pid} exited without \`stream stop\`; see ${r.logFile}` };
      return { ...base, pid: r.pid, startedAt: r.startedAt, uptimeMs: Date.now() - Date.parse(r.startedAt), health: 'healthy' };
    });
}

/** One line per local service (and per supervisor of ours): address, pid, uptime and a live health probe. */
export async function status(config: StreamlineConfig, probeTimeoutMs = 10_000): Promise<ServiceStatus[]> {
  const services = await Promise.all(
    localServices(config).map(async (spec): Promise<ServiceStatus> => {
      const base = { name: spec.name, role: spec.role, title: spec.title, address: spec.address, logFile: logFileOf(config, spec.name) };
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
  return [...services, ...recordedExtras(config)];
}
