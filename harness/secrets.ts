/**
 * The secret scan (issue 13): after a run, every record of every given Kafka topic (keys, values and
 * headers, raw bytes, from each partition's earliest offset) and every document of every collection of
 * the database (raw BSON, and the decoded bytes of its `*_base64` fields) is searched for each secret the
 * local API served (its `--secrets-log`).
 * Any hit is a leak. Matching rules: ./secret-matcher.ts.
 */
import { readFileSync } from 'node:fs';
import { BSON, MongoClient } from 'mongodb';
import type { KafkaSasl } from '../src/config/index.js';
import { createRawRecordReader, kafkaConnection, type RawRecord } from '../src/kafka/index.js';
import { parseSecretsLog } from '../src/source/randomuser/secrets-log.js';
import { secretMatcher, type SecretMatcher } from './secret-matcher.js';

export interface SecretHit {
  /** e.g. `kafka users.profile/2@17 value` or `mongo streamline.users_profile _id=...`. */
  where: string;
  secret: string;
}

export interface SecretScanOptions {
  kafkaBootstrap: string;
  topics: string[];
  mongoUri: string;
  database: string;
  secrets: string[];
  /** SASL credentials when the brokers require them (config kafka.sasl). */
  sasl?: KafkaSasl;
}

export interface SecretScanResult {
  hits: SecretHit[];
  scanned: { messages: number; documents: number };
}

/** How long reading the topics back may take before the scan fails (naming what it could not read). */
const KAFKA_READ_TIMEOUT_MS = 180_000;

export async function scanForSecrets(opts: SecretScanOptions): Promise<SecretScanResult> {
  const matcher = secretMatcher(opts.secrets);
  const kafka = await scanKafka(opts.kafkaBootstrap, opts.topics, matcher, opts.sasl);
  const mongo = await scanMongo(opts.mongoUri, opts.database, matcher);
  return { hits: [...kafka.hits, ...mongo.hits], scanned: { messages: kafka.count, documents: mongo.count } };
}

/** The secrets of a `streamline api --secrets-log` file. */
export const readSecretsLog = (file: string): string[] => parseSecretsLog(readFileSync(file, 'utf8'));

/** The parts of one record, each named for the hit report. */
function recordParts(message: RawRecord): Array<[string, Buffer]> {
  const parts: Array<[string, Buffer]> = [];
  if (message.key) parts.push(['key', message.key]);
  if (message.value) parts.push(['value', message.value]);
  for (const [name, value] of message.headers ?? []) {
    parts.push([`header ${name.toString('latin1')} name`, name]);
    if (value) parts.push([`header ${name.toString('latin1')}`, value]);
  }
  return parts;
}

async function scanKafka(bootstrap: string, topics: string[], matcher: SecretMatcher, sasl?: KafkaSasl): Promise<{ hits: SecretHit[]; count: number }> {
  if (topics.length === 0) return { hits: [], count: 0 };
  const groupId = `streamline-secret-scan-${process.pid}-${Date.now().toString(36)}`;
  const consumer = createRawRecordReader(kafkaConnection(bootstrap, sasl), { clientId: groupId, groupId });
  const hits: SecretHit[] = [];
  try {
    // Earliest (timestamp -2) and end offsets: the records in between are what the log holds now.
    const earliest = await consumer.listOffsets({ topics, timestamp: -2n });
    const ends = await consumer.listOffsets({ topics, timestamp: -1n });
    const remaining = new Map<string, bigint>();
    for (const topic of topics) {
      (ends.get(topic) ?? []).forEach((end, partition) => {
        const start = earliest.get(topic)?.[partition] ?? 0n;
        if (end > start) remaining.set(`${topic}/${partition}`, end);
      });
    }
    let count = 0;
    const seen = new Set<string>();
    if (remaining.size === 0) return { hits, count };
    const stream = await consumer.consume({ topics, mode: 'earliest', autocommit: false });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`secret scan: could not read every record of ${[...remaining.keys()].join(', ')} from Kafka at ${bootstrap} within ${KAFKA_READ_TIMEOUT_MS / 1000} s`));
        }, KAFKA_READ_TIMEOUT_MS);
        stream.on('error', (error: Error) => {
          clearTimeout(timer);
          reject(error);
        });
        stream.on('data', (message: RawRecord) => {
          const id = `${message.topic}/${message.partition}@${message.offset}`;
          if (seen.has(id)) return;
          seen.add(id);
          count += 1;
          for (const [part, bytes] of recordParts(message)) {
            for (const secret of matcher.find(bytes)) hits.push({ where: `kafka ${id} ${part}`, secret });
          }
          const key = `${message.topic}/${message.partition}`;
          const end = remaining.get(key);
          if (end !== undefined && message.offset + 1n >= end) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      await stream.close();
    }
    return { hits, count };
  } finally {
    await consumer.close(true);
  }
}

const BASE64_SUFFIX = '_base64';

/**
 * The decoded bytes of a document's `*_base64` string fields: a dead letter keeps a record that is not
 * valid UTF-8 base64-encoded (`value_base64`), where a raw scan would not see a secret inside it.
 */
function base64Fields(raw: Buffer): Buffer[] {
  if (!raw.includes(BASE64_SUFFIX, 0, 'latin1')) return [];
  return Object.entries(BSON.deserialize(raw))
    .filter((entry): entry is [string, string] => entry[0].endsWith(BASE64_SUFFIX) && typeof entry[1] === 'string')
    .map(([, value]) => Buffer.from(value, 'base64'));
}

async function scanMongo(uri: string, database: string, matcher: SecretMatcher): Promise<{ hits: SecretHit[]; count: number }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 15_000 });
  const hits: SecretHit[] = [];
  let count = 0;
  try {
    await client.connect();
    const db = client.db(database);
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      // raw: each document as its BSON bytes, so every string and binary value is scanned as stored.
      for await (const raw of db.collection(name).find({}, { raw: true })) {
        count += 1;
        const bytes = raw as unknown as Buffer;
        const found = new Set(matcher.find(bytes));
        for (const decoded of base64Fields(bytes)) for (const secret of matcher.find(decoded)) found.add(secret);
        if (found.size === 0) continue;
        const id = String(BSON.deserialize(bytes)._id);
        for (const secret of found) hits.push({ where: `mongo ${database}.${name} _id=${id}`, secret });
      }
    }
  } finally {
    await client.close();
  }
  return { hits, count };
}
