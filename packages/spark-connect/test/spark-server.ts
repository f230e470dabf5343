import type { TestProject } from 'vitest/node';
import { sparkServerSettings, startSparkServer } from './support/spark-server.js';

/**
 * The Spark Connect server of the package's integration tests (its own `vitest run`): $SPARK_REMOTE
 * when set, otherwise one started from the jars at $SPARK_CONNECT_JARS and stopped afterwards. The
 * repository's root suite does not use this file: its global setup provides `sparkRemote` for the one
 * shared server.
 */
export default async function setup(project: TestProject) {
  const server = await startSparkServer(sparkServerSettings(), (line) => process.stdout.write(`[spark-server] ${line}\n`));
  project.provide('sparkRemote', server.remote);
  return server.stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** sc://host:port of the Spark Connect server the integration tests use. */
    sparkRemote: string;
  }
}
