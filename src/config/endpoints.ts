import { kafkaNodes } from './cluster.js';
import type { StreamlineConfig } from './schema.js';

/** Where each service is reached: the external endpoint if configured, else the embedded one. */
export const kafkaBootstrap = (c: StreamlineConfig): string =>
  c.kafka.bootstrapServers ?? (c.cluster.enabled ? kafkaNodes(c).map((n) => `${n.host}:${n.port}`).join(',') : `${c.kafka.host}:${c.kafka.port}`);
export const sparkRemote = (c: StreamlineConfig): string => c.spark.remote ?? `sc://${c.spark.host}:${c.spark.port}`;
export const mongoUri = (c: StreamlineConfig): string => c.mongo.uri ?? `mongodb://${c.mongo.host}:${c.mongo.port}`;
export const apiUrl = (c: StreamlineConfig): string => c.api.url ?? `http://${c.api.host}:${c.api.port}/api/`;
export { redactUri } from './redact.js';
