import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { probeFerretDb } from '../src/runtime/probes.js';
import { startProcess, stopProcess, type ProcessRecord } from '../src/runtime/process.js';
import { ferretDbService } from '../src/runtime/services.js';
import { artifactsOf } from '../src/runtime/spec.js';
import type { PortBlockName } from './ports.js';
import { testRuntimeConfig } from './runtime.js';

export interface StartedFerretDb {
  uri: string;
  binary: string;
  record: ProcessRecord;
  stop(): Promise<void>;
}

/**
 * Starts one FerretDB on its own, from scratch, with the runtime's own arguments (src/runtime/services.ts)
 * in a state dir and port of its own: `binary` another build than setup's (e.g. a benchmark's variant),
 * `sqliteParams` appended to the SQLite URL (e.g. `_pragma=synchronous(normal)`).
 */
export async function startFerretDb(name: string, block: PortBlockName, opts: { binary?: string; sqliteParams?: string; shift?: number } = {}): Promise<StartedFerretDb> {
  const config = testRuntimeConfig(name, block, { shift: opts.shift });
  const service = ferretDbService(config);
  const binary = opts.binary ?? join(artifactsOf(config), 'bin', 'ferretdb');
  rmSync(config.stateDir, { recursive: true, force: true });
  mkdirSync(join(config.stateDir, 'ferretdb'), { recursive: true });
  if (!opts.binary) service.checkArtifacts();
  await service.prepare();
  const launch = service.launch();
  const args = launch.args.map((a) => (opts.sqliteParams && a.startsWith('--sqlite-url=') ? `${a}?${opts.sqliteParams}` : a));
  const record = startProcess({ command: binary, args, cwd: launch.cwd, env: launch.env, logFile: join(config.stateDir, 'ferretdb', 'ferretdb.log') });
  const stop = async () => {
    if (!(await stopProcess(record))) throw new Error(`FerretDB (${name}, pid ${record.pid}) did not stop`);
  };
  try {
    await probeFerretDb(service.address, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`FerretDB (${name}, ${binary}) did not answer at ${service.address}: ${(e as Error).message}`);
  }
  return { uri: service.address, binary, record, stop };
}
