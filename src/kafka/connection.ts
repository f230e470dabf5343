import { kafkaBootstrap, kafkaSasl, type KafkaSasl, type StreamlineConfig } from '../config/index.js';

/** Where and as whom a client connects: every client src/kafka builds starts from one of these. */
export interface KafkaConnection {
  bootstrapBrokers: string[];
  sasl?: KafkaSasl;
}

/** `a:1,b:2` or ['a:1', 'b:2'] -> ['a:1', 'b:2']. */
export function bootstrapList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('Kafka bootstrap servers: expected host:port[,host:port...], got nothing');
  return list;
}

export const kafkaConnection = (servers: string | readonly string[], sasl?: KafkaSasl): KafkaConnection => ({
  bootstrapBrokers: bootstrapList(servers),
  ...(sasl ? { sasl } : {}),
});

/** The configured brokers with the configured credentials. */
export const configuredConnection = (config: StreamlineConfig): KafkaConnection => kafkaConnection(kafkaBootstrap(config), kafkaSasl(config));
