export { configSchema, DEFAULT_TOPICS, type StreamlineConfig } from './schema.js';
export { ConfigError, defaultConfig, describeConfig, loadConfig, toEnvName, type LoadOptions } from './load.js';
export { apiUrl, kafkaBootstrap, mongoUri, sparkRemote } from './endpoints.js';
