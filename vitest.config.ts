import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure logic, no services), `integration` (real Kafka, Spark, FerretDB,
// started once per run by test/global-setup.ts and shared by every file; tests isolate themselves
// by topic, database and checkpoint names) and `browser` (the dashboard in headless Chromium, on
// its own services started by test/browser/global-setup.ts).
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
        test: {
          // After the other tiers (groupOrder), with its own services: its test stops FerretDB.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 420_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
