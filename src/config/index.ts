export { type StreamlineConfig } from './schema.js';
export { defaultConfig, describeConfig, loadConfig, toEnvName } from './load.js';
export { configurationReference } from './reference.js';
export { apiUrl, kafkaBootstrap, mongoUri, redactUri, sparkRemote } from './endpoints.js';
export { knownSecrets, redactText, SPARK_REDACTION_REGEX } from './redact.js';
export { jaasConfig, kafkaSasl, sparkKafkaOptions, type KafkaSasl } from './kafka-sasl.js';
export { kafkaNodes, masterUiUrl, runsLocalSparkCluster, workerNodes, type WorkerNode } from './cluster.js';
