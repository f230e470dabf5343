// Reading what the checker compares: the producer's ack log and the store's _ids and dead letters.
import { existsSync, readFileSync } from 'node:fs';
import { connectMongo } from '../src/app/streaming.js';
import type { StreamlineConfig } from '../src/config/index.js';
import { endOffsets, recordsInLog, withKafkaAdmin } from '../src/kafka/index.js';
import { contentDigest } from '../src/produce/digest.js';
import { DEAD_LETTERS } from '../src/sink/index.js';
import type { TopicBinding } from '../src/stream/index.js';
import { eventually } from '../harness/poll.js';
import { parseAckLog, type Ack, type StoreSnapshot } from './checker.js';

export const readAckLog = (path: string): Ack[] => (existsSync(path) ? parseAckLog(readFileSync(path, 'utf8')) : []);

/**
 * Every _id of every topic's collection and every dead letter's Kafka position, in the scenario's
 * database; with `content`, also each document's content digest (its topic's fields, as the producer's
 * ack log digests the record's data), for the checker's content comparison.
 */
export async function readStore(config: StreamlineConfig, bindings: TopicBinding[], { content = false } = {}): Promise<StoreSnapshot> {
  const mongo = await connectMongo(config);
  try {
    const db = mongo.db(config.mongo.database);
    const documents: Record<string, string[]> = {};
    const digests: Record<string, Record<string, string>> = {};
    for (const b of bindings) {
      const fields = Object.keys(b.schema.fields);
      const docs = await db.collection<{ _id: string }>(b.collection).find({}, { projection: content ? { _id: 1, ...Object.fromEntries(fields.map((f) => [f, 1])) } : { _id: 1 } }).toArray();
      documents[b.topic] = docs.map((d) => String(d._id));
      if (content) {
        digests[b.topic] = Object.fromEntries(docs.map((d) => [String(d._id), contentDigest(Object.fromEntries(fields.map((f) => [f, (d as Record<string, unknown>)[f]])))]));
      }
    }
    const letters = await db
      .collection<{ _id: string; topic: string; partition: number; offset: number | bigint | string }>(DEAD_LETTERS)
      .find({}, { projection: { topic: 1, partition: 1, offset: 1 } })
      .toArray();
    return { documents, deadLetters: letters.map((l) => ({ topic: l.topic, partition: Number(l.partition), offset: String(l.offset) })), ...(content ? { digests } : {}) };
  } finally {
    await mongo.close();
  }
}

/** Deletes the topics if they exist and waits until Kafka no longer lists them, so a scenario starts from empty topics. */
export async function deleteTopics(config: StreamlineConfig, topics: string[], timeoutMs = 60_000): Promise<void> {
  await withKafkaAdmin(config, 'streamline-faults', async (admin) => {
    const present = (await admin.listTopics()).filter((t) => topics.includes(t));
    if (present.length) await admin.deleteTopics({ topics: present });
    await eventually(async () => !(await admin.listTopics()).some((t) => topics.includes(t)), { timeoutMs, intervalMs: 500, what: `Kafka to stop listing ${topics.join(', ')} after deleting them` });
  });
}

/** Records Kafka holds per existing topic (our topics are never compacted or truncated during a run). */
export const kafkaRecordCounts = (config: StreamlineConfig, topics: string[]): Promise<Record<string, number>> =>
  withKafkaAdmin(config, 'streamline-faults', async (admin) => recordsInLog((await endOffsets(admin, topics)).endOffsets));
