// Clients for tools and tests that write or read records the way the pipeline never does: planting
// poison values and secrets, reading a topic's log back. The pipeline's own records go through
// src/produce's KafkaProducer (idempotent, batched, Java partitions) and are read by Spark.
import { Consumer, ProduceAcks, Producer, stringDeserializers, type Message } from '@platformatic/kafka';
import type { KafkaConnection } from './connection.js';

/**
 * A plain acks=all producer of raw bytes that never creates topics; one send at a time, each result
 * names the record's offset.
 */
export const createRecordWriter = (connection: KafkaConnection, clientId: string): Producer<Buffer, Buffer, Buffer, Buffer> =>
  new Producer({ clientId, ...connection, acks: ProduceAcks.ALL, autocreateTopics: false });

export interface RecordReaderOptions {
  clientId: string;
  groupId: string;
  /** How long a fetch waits for records (ms). Default 500: readers poll until they saw what they expect. */
  maxWaitMs?: number;
}

/** A record as createRecordReader's consumer delivers it. */
export type StringRecord = Message<string, string, string, string>;

/** A consumer of records as UTF-8 strings (keys, values, header names and values). */
export const createRecordReader = (connection: KafkaConnection, { clientId, groupId, maxWaitMs = 500 }: RecordReaderOptions): Consumer<string, string, string, string> =>
  new Consumer({ clientId, groupId, ...connection, deserializers: stringDeserializers, maxWaitTime: maxWaitMs });

/** A record as createRawRecordReader's consumer delivers it. */
export type RawRecord = Message<Buffer | null | undefined, Buffer | null | undefined, Buffer, Buffer | null | undefined>;

/** A consumer of records as they are stored: bytes, or null where a record has no key or value. */
export const createRawRecordReader = (
  connection: KafkaConnection,
  { clientId, groupId, maxWaitMs = 500 }: RecordReaderOptions,
): Consumer<Buffer | null | undefined, Buffer | null | undefined, Buffer, Buffer | null | undefined> => new Consumer({ clientId, groupId, ...connection, maxWaitTime: maxWaitMs });
