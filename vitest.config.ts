import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no services) and `integration` (real Kafka, Spark, FerretDB,
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
          // Some unit tests make many HTTP round trips to an in-process server (API client, fault
          // injection); 5 s was not enough on a busy 2-core machine.
          testTimeout: 30_000,
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
    ],
  },
});
