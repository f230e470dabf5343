import { rmSync } from 'node:fs';
import { down, up } from '../../src/runtime/index.js';
import { ALWAYS_ON_RUNTIME, alwaysOnConfig } from './runtime.js';

/**
 * The always-on tier's own single-node runtime (Kafka, Spark Connect, FerretDB): its test kills the
 * broker and the driver and stops the store, which must not disturb any other tier. `down` at the end
 * also stops the stream supervisor the test left (it is a recorded process like the services).
 */
export default async function setup() {
  const config = alwaysOnConfig();
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  process.stdout.write(`[always-on-setup] starting the ${ALWAYS_ON_RUNTIME} runtime (Kafka, Spark Connect, FerretDB)...\n`);
  await up(config, { onEvent: (e) => e.type === 'ready' && process.stdout.write(`[always-on-setup] ${e.service} ready after ${e.elapsedMs} ms\n`) });
  process.stdout.write(`[always-on-setup] services ready in ${Date.now() - t0} ms\n`);
  return async () => {
    const result = await down(config);
    if (result.survivors.length) throw new Error(`processes still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
  };
}
