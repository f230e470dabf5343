import type { TestProject } from 'vitest/node';

/**
 * The Spark Connect server of the integration tests: $SPARK_REMOTE (sc://host:port) when set;
 * otherwise, inside the streamline repository, a Spark Connect server started with the repository's
 * runtime (the jars `npm run setup` lays out) and stopped afterwards. The repository's root suite does
 * not use this file: its own global setup provides `sparkRemote` for the one shared server.
 */
export default async function setup(project: TestProject) {
  const remote = process.env.SPARK_REMOTE;
  if (remote) {
    project.provide('sparkRemote', remote);
    return;
  }
  const { up, down } = await import('../../../src/runtime/index.js');
  const { testRuntimeConfig } = await import('../../../harness/runtime.js');
  const config = testRuntimeConfig('spark-connect', 'spark-connect');
  await down(config);
  process.stdout.write(`[spark-server] starting Spark Connect on port ${config.spark.port} (set SPARK_REMOTE to use a running server)...\n`);
  await up(config, { only: ['spark'] });
  project.provide('sparkRemote', `sc://${config.spark.host}:${config.spark.port}`);
  return async () => {
    await down(config);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** sc://host:port of the Spark Connect server the integration tests use. */
    sparkRemote: string;
  }
}
