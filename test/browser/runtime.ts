import type { StreamlineConfig } from '../../src/config/index.js';
import { testRuntimeConfig } from '../../harness/runtime.js';

export const BROWSER_RUNTIME = 'browser';

/** Ports 600 above the integration tier's, inside this checkout's block (STREAMLINE_TEST_PORT_OFFSET). */
export const browserRuntimeConfig = (): StreamlineConfig => testRuntimeConfig(BROWSER_RUNTIME, 'browser');
