import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no services) and `integration` (real Kafka, Spark, FerretDB,
// started once per run by test/global-setup.ts and shared by every file; tests isolate themselves
// by topic, database and checkpoint names). Both include the workspace packages' tests, so the Spark
// Connect client's integration tests share the one Spark server (it provides `sparkRemote` for them).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'packages/*/test/integration/**/*.test.ts'],
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
