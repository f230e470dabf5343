export { configSchema, DEFAULT_TOPICS, type StreamlineConfig } from './schema.js';
export { ConfigError, defaultConfig, describeConfig, loadConfig, type LoadOptions } from './load.js';
export { apiUrl, kafkaBootstrap, mongoUri, redactUri, sparkRemote } from './endpoints.js';
