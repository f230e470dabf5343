import {
  ProduceAcks,
  Producer,
  stringSerializers,
  type ClusterMetadata,
  type MessageToProduce,
  type ProduceResult,
  type TopicWithPartitionAndOffset,
} from '@platformatic/kafka';
import type { KafkaConnection } from './connection.js';
import { javaCompatiblePartitioner } from './partitioner.js';

export type { ClusterMetadata, ProduceResult, TopicWithPartitionAndOffset };

/** One record as the client takes it: key, value and headers as strings. */
export type ClientRecord = MessageToProduce<string, string, string, string>;

/** The part of the client's Producer a delivery lane uses (src/produce/delivery-lane.ts); a seam for unit tests. */
export interface ProduceClient {
  send(options: { messages: ClientRecord[] }): Promise<ProduceResult>;
  /** What the last `send` learnt about the topics (`send` fetches metadata itself). */
  readonly currentMetadata: ClusterMetadata | undefined;
  /** The topics' layout, asked of the brokers (routing a topic's partitions to lanes needs their count). */
  metadata(options: { topics: string[] }): Promise<ClusterMetadata>;
  initIdempotentProducer(options: Record<string, never>): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Codecs that work out of the box on Node 20: gzip is zlib, lz4 and snappy are WebAssembly inside
 * @platformatic/wasm-utils. zstd is left out: the client uses zlib's zstd, which Node 20 lacks.
 */
export type Compression = 'none' | 'gzip' | 'lz4' | 'snappy';

export interface ProduceClientOptions {
  clientId: string;
  compression: Compression;
  /** The client's retries of one request on retriable errors. */
  retries: number;
  /** The pause before the client's retry number `attempt` (ms). */
  retryDelayMs: (attempt: number) => number;
  ackTimeoutMs: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * An idempotent, acks=all client with the Java client's partitioner, that never creates topics: the
 * delivery guarantees of src/produce/kafka-producer.ts rest on these settings.
 */
export function createProduceClient(connection: KafkaConnection, options: ProduceClientOptions): ProduceClient {
  return new Producer<string, string, string, string>({
    clientId: options.clientId,
    ...connection,
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: javaCompatiblePartitioner,
    compression: options.compression,
    retries: options.retries,
    retryDelay: (_client, _operation, attempt) => options.retryDelayMs(attempt),
    timeout: options.ackTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    autocreateTopics: false,
  });
}
