export { configSchema, DEFAULT_TOPICS, KAFKA_SASL_MECHANISMS, type StreamlineConfig } from './schema.js';
export { defaultConfig, describeConfig, loadConfig, toEnvName, type LoadOptions } from './load.js';
export { configurationReference } from './reference.js';
export { apiUrl, kafkaBootstrap, mongoUri, redactUri, sparkRemote } from './endpoints.js';
export { knownSecrets, REDACTED, redactText, SPARK_REDACTION_REGEX } from './redact.js';
export { jaasConfig, kafkaSasl, sparkKafkaOptions, type KafkaSasl } from './kafka-sasl.js';
export {
  applyClusterMode,
  clusterMasterUrl,
  clusterTopicSettings,
  kafkaNodes,
  masterUiUrl,
  runsLocalSparkCluster,
  workerNodes,
  type KafkaNode,
  type WorkerNode,
} from './cluster.js';
