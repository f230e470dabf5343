import { AuthRefusedError, ServiceUnavailableError } from '../core/errors.js';
import { kafkaBootstrap, mongoUri, redactUri, sparkRemote, toEnvName, type StreamlineConfig } from '../config/index.js';
import { isKafkaAuthFailure, isKafkaUnreachable } from '../kafka/index.js';
import { SparkUnavailableError } from '@streamline/spark-connect';

/** The services a use case reaches over the network. */
export type ServiceKey = 'kafka' | 'spark' | 'mongo';

interface ServiceDescription {
  title: string;
  address: string;
  /** The config key that points at an external service instead of the embedded one. */
  externalKey: [string, string];
  external: boolean;
}

function describeService(config: StreamlineConfig, service: ServiceKey): ServiceDescription {
  switch (service) {
    case 'kafka':
      return { title: 'Kafka', address: kafkaBootstrap(config), externalKey: ['kafka', 'bootstrapServers'], external: config.kafka.bootstrapServers !== undefined };
    case 'spark':
      return { title: 'Spark Connect', address: redactUri(sparkRemote(config)), externalKey: ['spark', 'remote'], external: config.spark.remote !== undefined };
    case 'mongo':
      return { title: 'MongoDB', address: redactUri(mongoUri(config)), externalKey: ['mongo', 'uri'], external: config.mongo.uri !== undefined };
  }
}

function serviceUnavailable(config: StreamlineConfig, service: ServiceKey): ServiceUnavailableError {
  const { title, address, externalKey, external } = describeService(config, service);
  const key = `${externalKey.join('.')} (env ${toEnvName(externalKey)})`;
  // A SASL listener closes the connection of a client that does not log in: it looks like "unreachable".
  const saslNote = service === 'kafka' && !config.kafka.sasl ? '; if the brokers require SASL, set kafka.sasl (env STREAMLINE_KAFKA_SASL_MECHANISM, _USERNAME, _PASSWORD)' : '';
  const hint = external
    ? `check that ${title} runs there, or correct ${key}${saslNote}`
    : `start the local services with \`streamline up\`, or set ${key} to use a ${title} that runs elsewhere`;
  return new ServiceUnavailableError(service, address, `${title} is not reachable at ${address}`, { hint });
}

function kafkaAuthRefused(config: StreamlineConfig): AuthRefusedError {
  const sasl = config.kafka.sasl;
  const who = sasl ? `principal ${sasl.username} (${sasl.mechanism})` : 'an unauthenticated client';
  return new AuthRefusedError(`Kafka at ${kafkaBootstrap(config)} refused the SASL login of ${who}`, {
    hint: 'check kafka.sasl.username (env STREAMLINE_KAFKA_SASL_USERNAME) and the password (env STREAMLINE_KAFKA_SASL_PASSWORD or kafka.sasl.passwordFile) against the SCRAM credentials on the brokers',
  });
}

const MONGO_CONNECTION_ERRORS = new Set(['MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoTopologyClosedError']);

/** Whether `error` means that nothing answered at the service's address (as opposed to a refusal or a bug). */
function isUnreachable(service: ServiceKey, error: unknown): boolean {
  switch (service) {
    case 'kafka':
      return isKafkaUnreachable(error);
    case 'spark':
      return error instanceof SparkUnavailableError;
    case 'mongo':
      return error instanceof Error && MONGO_CONNECTION_ERRORS.has(error.name);
  }
}

/** Runs `work`, turning "nothing answers at the address" into a ServiceUnavailableError that says what to do. */
export async function usingService<T>(config: StreamlineConfig, service: ServiceKey, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Checked first: a refused login also leaves the connection errors of the attempts behind it.
    if (service === 'kafka' && isKafkaAuthFailure(error)) throw kafkaAuthRefused(config);
    if (isUnreachable(service, error)) throw serviceUnavailable(config, service);
    throw error;
  }
}
