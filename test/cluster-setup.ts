import { rmSync } from 'node:fs';
import { down, up } from '../src/runtime/index.js';
import { clusterTestConfig } from './cluster/config.js';

/**
 * Starts the cluster once for the `cluster` project: 3 KRaft brokers, a Spark master with 2 workers,
 * the Connect server as driver and FerretDB, in its own state dir on its own ports.
 */
export default async function setup() {
  const config = clusterTestConfig();
  // A previous run that was killed may have left its nodes behind: stop exactly those first.
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  process.stdout.write('[cluster-setup] starting 3 Kafka brokers, Spark master + 2 workers, Spark Connect, FerretDB...\n');
  await up(config, { onEvent: (e) => e.type === 'ready' && process.stdout.write(`[cluster-setup] ${e.service} ready after ${e.elapsedMs} ms\n`) });
  process.stdout.write(`[cluster-setup] cluster ready in ${Date.now() - t0} ms\n`);
  return async () => {
    const result = await down(config);
    if (result.survivors.length) throw new Error(`cluster nodes still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
  };
}
