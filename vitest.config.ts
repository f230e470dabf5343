import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure logic, no services), `integration` (real Kafka, Spark, FerretDB, started
// once per run by test/global-setup.ts and shared by every file; tests isolate themselves by topic,
// database and checkpoint names), `airflow` (real Airflow 3 on a Kafka of its own), `cluster` (3
// brokers, a Spark master and 2 workers; the quick size, `npm run test:cluster` for the full one) and
// `browser` (the dashboard in headless Chromium, on its own services, which it stops and restarts).
// airflow, cluster and browser each run in a group of their own (sequence.groupOrder), so their
// producers and fault runs never overlap. Every tier, every test file with services of its own, the
// benchmarks and the fault suite take their ports from a block of harness/ports.ts (all global setups
// start at the beginning of the run, so no two blocks may overlap: test/unit/harness/ports.test.ts).
// Global setups are made by harness/global-setup.ts (runtimeTierSetup), each with its differences.
// Unit and integration include the workspace packages' tests, so the Spark Connect client's integration
// tests share the one Spark server (test/global-setup.ts provides `sparkRemote` for them).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts'],
          environment: 'node',
          // Some unit tests make many HTTP round trips to an in-process server (API client, fault
          // injection); 5 s was not enough on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        // Our FerretDB build's patches (runtime/ferretdb/patches.json) against a FerretDB the test file
        // starts itself (port block `ferretdb`); no Kafka or Spark.
        test: {
          name: 'ferretdb',
          include: ['test/ferretdb/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 60_000,
          pool: 'forks',
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
      {
        // Real Apache Airflow 3 (pinned venv from scripts/airflow.mjs) running the DAG in dags/ against
        // a Kafka broker of its own. A later group: it does not compete with the integration tier's JVMs.
        test: {
          name: 'airflow',
          include: ['test/airflow/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/airflow/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          pool: 'forks',
          sequence: { groupOrder: 1 },
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
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          // Issue 18's detached run (and compressed soak), after every other tier: it kills its own
          // broker and driver and stops its own store (port block `always-on`), one file, about 12 minutes.
          name: 'always-on',
          include: ['test/always-on/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/always-on/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 400_000,
          fileParallelism: false,
          pool: 'forks',
          sequence: { groupOrder: 4 },
        },
      },
      {
        // The Docker deployment built and run for real (deploy/compose.yaml + compose.test.yaml), last of
        // all: its stack of containers must not compete with the JVM tiers. The quick variant in `npm test`,
        // the fault list with `npm run test:compose` (STREAMLINE_COMPOSE_FULL=1). Port block `compose`.
        test: {
          name: 'compose',
          include: ['test/compose/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/compose/global-setup.ts'],
          testTimeout: 1_200_000,
          hookTimeout: 2_400_000,
          fileParallelism: false,
          pool: 'forks',
          sequence: { groupOrder: 5 },
        },
      },
    ],
  },
});
