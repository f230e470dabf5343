import type { StreamlineConfig } from '../../src/config/index.js';
import { testRuntimeConfig } from '../../harness/runtime.js';

/** The cluster tests' own runtime: state dir .streamline/test/cluster, ports 700 above the shared runtime's (cli.test.ts uses 500). */
export const clusterTestConfig = (): StreamlineConfig => testRuntimeConfig('cluster', 'cluster', { cluster: true });
