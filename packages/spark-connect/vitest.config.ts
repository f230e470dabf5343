import { defineConfig } from 'vitest/config';

// `unit`: plans, types, errors, Arrow decoding (no server). `integration`: against a real Spark Connect
// server, the one at $SPARK_REMOTE or one that test/spark-server.ts starts (see README, "Tests").
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/spark-server.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
