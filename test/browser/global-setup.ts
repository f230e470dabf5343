import { ensureChromium } from '../../harness/chromium.js';
import { runtimeTierSetup } from '../../harness/global-setup.js';
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
export default runtimeTierSetup({
  label: 'browser-setup',
  starting: `the ${BROWSER_RUNTIME} runtime (Kafka, Spark Connect, FerretDB)`,
  config: browserRuntimeConfig,
  prepare: ensureChromium,
  provide: (project, _config, chromium) => project.provide('chromium', chromium),
});
