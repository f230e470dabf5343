import { runtimeTierSetup } from '../harness/global-setup.js';
import { testRuntimeConfig } from '../harness/runtime.js';

/**
 * Starts Kafka, Spark Connect and FerretDB once for the whole integration run (JVMs take tens of
 * seconds on 2 cores); tests isolate themselves by topic, database and checkpoint names.
 */
export default runtimeTierSetup({
  label: 'global-setup',
  starting: 'Kafka, Spark Connect and FerretDB for the integration tests',
  config: () => testRuntimeConfig('shared', 'integration'),
  provide: (project, config) => {
    // The Spark Connect client package's integration tests (packages/spark-connect) share this server.
    project.provide('sparkRemote', `sc://${config.spark.host}:${config.spark.port}`);
    project.provide('services', {
      kafkaBootstrap: `${config.kafka.host}:${config.kafka.port}`,
      sparkRemote: `sc://${config.spark.host}:${config.spark.port}`,
      mongoUri: `mongodb://${config.mongo.host}:${config.mongo.port}`,
      stateDir: config.stateDir,
    });
  },
});
