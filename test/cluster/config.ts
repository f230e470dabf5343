import type { StreamlineConfig } from '../../src/config/index.js';
import { testRuntimeConfig } from '../support/runtime.js';

/** The cluster tests' own runtime: state dir .streamline/test/cluster, ports 700 above the shared runtime's (cli.test.ts uses 500). */
export const clusterTestConfig = (): StreamlineConfig => testRuntimeConfig('cluster', 700, { cluster: true });

/**
 * Users per run: `npm test` runs the quick size, `npm run test:cluster` the acceptance size (10,000).
 * Test-harness sizing, not product configuration.
 */
export const clusterTestUsers = (): number => (process.env.STREAMLINE_CLUSTER_TEST_SIZE === 'full' ? 10_000 : 3_000);
