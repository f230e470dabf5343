import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { down, up } from '../../src/runtime/index.js';
import { ensureChromium } from '../support/chromium.js';
import { BROWSER_RUNTIME, browserRuntimeConfig } from './runtime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: string;
  }
}

/**
 * The browser tier's own runtime (Kafka, Spark Connect, FerretDB on their own ports and state dir):
 * its test stops and restarts FerretDB, which must not disturb the integration tier's services.
 */
export default async function setup(project: TestProject) {
  const chromium = ensureChromium();
  const config = browserRuntimeConfig();
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  process.stdout.write(`[browser-setup] starting the ${BROWSER_RUNTIME} runtime (Kafka, Spark Connect, FerretDB)...\n`);
  await up(config, { onEvent: (e) => e.type === 'ready' && process.stdout.write(`[browser-setup] ${e.service} ready after ${e.elapsedMs} ms\n`) });
  process.stdout.write(`[browser-setup] services ready in ${Date.now() - t0} ms\n`);
  project.provide('chromium', chromium);
  return async () => {
    const result = await down(config);
    if (result.survivors.length) throw new Error(`services still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
  };
}
