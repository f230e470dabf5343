import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type { StreamlineConfig } from '../src/config/index.js';
import { down, up, type ServiceName } from '../src/runtime/index.js';

/** What sets one tier's runtime apart; everything else (stop leftovers, start, log, tear down, check) is shared. */
export interface RuntimeTierOptions<Prepared> {
  /** The prefix of the setup's log lines, e.g. `browser-setup`. */
  label: string;
  /** What the log says is starting, e.g. `Kafka, Spark Connect and FerretDB for the integration tests`. */
  starting: string;
  config: () => StreamlineConfig;
  /** The services to start (default: all of the configuration's). */
  only?: ServiceName[];
  /** Keep the state dir of the last run (default: wipe it, so every run starts empty). */
  keepStateDir?: boolean;
  /** Work done while the services start (e.g. install Airflow); its result goes to `provide`. */
  prepare?: () => Promise<Prepared> | Prepared;
  /** What the tier's tests `inject()`. */
  provide?: (project: TestProject, config: StreamlineConfig, prepared: Prepared) => void;
}

/**
 * A vitest global setup that runs a tier's own services for the whole run: it stops exactly what a
 * killed run of the same tier left behind (by its recorded pids), starts the services, and at teardown
 * stops them and fails the run if one survived.
 */
export function runtimeTierSetup<Prepared = undefined>(options: RuntimeTierOptions<Prepared>) {
  const log = (line: string) => process.stdout.write(`[${options.label}] ${line}\n`);
  return async function setup(project: TestProject): Promise<() => Promise<void>> {
    const config = options.config();
    await down(config);
    if (!options.keepStateDir) rmSync(config.stateDir, { recursive: true, force: true });
    const t0 = Date.now();
    log(`starting ${options.starting}...`);
    const [prepared] = await Promise.all([
      options.prepare?.() as Prepared,
      up(config, { only: options.only, onEvent: (e) => e.type === 'ready' && log(`${e.service} ready after ${e.elapsedMs} ms`) }),
    ]);
    log(`ready in ${Date.now() - t0} ms`);
    options.provide?.(project, config, prepared);
    return async () => {
      const result = await down(config);
      if (result.survivors.length) throw new Error(`${options.label}: still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
    };
  };
}
