export { configSchema, DEFAULT_TOPICS, type StreamlineConfig } from './schema.js';
export { ConfigError, defaultConfig, describeConfig, loadConfig, toEnvName, type LoadOptions } from './load.js';
export { apiUrl, kafkaBootstrap, mongoUri, redactUri, sparkRemote } from './endpoints.js';
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
