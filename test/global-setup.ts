import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { down, up } from '../src/runtime/index.js';
import { testRuntimeConfig } from './support/runtime.js';

/**
 * Starts Kafka, Spark Connect and FerretDB once for the whole integration run (JVMs take tens of
 * seconds on 2 cores); tests isolate themselves by topic, database and checkpoint names.
 */
export default async function setup(project: TestProject) {
  const config = testRuntimeConfig('shared', 0);
  // A previous run that was killed may have left its services behind: stop exactly those first.
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  process.stdout.write('[global-setup] starting Kafka, Spark Connect and FerretDB for the integration tests...\n');
  await up(config, { onEvent: (e) => e.type === 'ready' && process.stdout.write(`[global-setup] ${e.service} ready after ${e.elapsedMs} ms\n`) });
  process.stdout.write(`[global-setup] services ready in ${Date.now() - t0} ms\n`);
  // The Spark Connect client package's integration tests (packages/spark-connect) share this server.
  project.provide('sparkRemote', `sc://${config.spark.host}:${config.spark.port}`);
  project.provide('services', {
    kafkaBootstrap: `${config.kafka.host}:${config.kafka.port}`,
    sparkRemote: `sc://${config.spark.host}:${config.spark.port}`,
    mongoUri: `mongodb://${config.mongo.host}:${config.mongo.port}`,
    stateDir: config.stateDir,
  });
  return async () => {
    const result = await down(config);
    if (result.survivors.length) {
      throw new Error(`services still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
    }
  };
}
