import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure logic, no services) and `integration` (real Kafka, Spark, FerretDB,
// started once per run by test/global-setup.ts and shared by every file; tests isolate themselves
// by topic, database and checkpoint names).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        // Cluster mode (3 brokers, Spark master + 2 workers), started once by its own global setup; runs
        // after the other projects so its producer and fault run do not compete with them for the 2 cores.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/cluster-setup.ts'],
          testTimeout: 1_500_000,
          hookTimeout: 400_000,
          fileParallelism: false,
          pool: 'forks',
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
