import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { StreamlineConfig } from './schema.js';

export interface KafkaSasl {
  mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256';
  username: string;
  password: string;
}

/** The SASL credentials of kafka.sasl, the password read from passwordFile when env did not give it; undefined without SASL. */
export function kafkaSasl(config: StreamlineConfig): KafkaSasl | undefined {
  const sasl = config.kafka.sasl;
  if (!sasl) return undefined;
  let password = sasl.password;
  if (password === undefined && sasl.passwordFile !== undefined) {
    try {
      password = readFileSync(sasl.passwordFile, 'utf8').trim();
    } catch (e) {
      throw new ConfigError(`kafka.sasl.passwordFile ${sasl.passwordFile}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  if (!password) throw new ConfigError('kafka.sasl: no password (set env STREAMLINE_KAFKA_SASL_PASSWORD or kafka.sasl.passwordFile)');
  return { mechanism: sasl.mechanism, username: sasl.username, password };
}

/** Java's JAAS line for Spark's Kafka source (kafka.sasl.jaas.config); quotes and backslashes escaped. */
export function jaasConfig(sasl: KafkaSasl): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${quote(sasl.username)} password=${quote(sasl.password)};`;
}

/** The Spark Kafka source's security options (kafka.security.protocol, ...); none without kafka.sasl. */
export function sparkKafkaOptions(config: StreamlineConfig): Record<string, string> {
  const sasl = kafkaSasl(config);
  if (!sasl) return {};
  return { 'kafka.security.protocol': 'SASL_PLAINTEXT', 'kafka.sasl.mechanism': sasl.mechanism, 'kafka.sasl.jaas.config': jaasConfig(sasl) };
}
