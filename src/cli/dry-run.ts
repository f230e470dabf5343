// A pipeline run on paper, for `streamline check` (a source sample) and `streamline test` (the file's test
// cases): source records through the same functions the producer and the streaming checks derive from
// (normalize, the privacy rules, each topic's toRecords and key, the envelope, the check plan evaluated in
// TypeScript, the stored document per write model), touching no service. Pure: time comes in as `now`.
import { bareValueFields, describeZodError, ENVELOPE_HEADERS, ENVELOPE_SCHEMA_VERSION, type PiiOptions } from '../model/index.js';
import { storedDocument } from '../pipeline/document.js';
import { fromJsonLike, messageReason } from '../pipeline/evaluate.js';
import type { ResolvedPipeline, ResolvedPipelineTopic } from '../pipeline/resolve.js';
import type { Normalized } from '../source/runtime.js';

export interface DryRunOptions {
  /** The envelope's `source` (the source runtime's label). */
  readonly source: string;
  /** When the records were fetched: the envelope's `fetched_at`. */
  readonly fetchedAt: string;
  /** `produced_at`, the Kafka timestamp and `ingested_at` of every message. */
  readonly now: Date;
  readonly pii: PiiOptions;
}

/** One Kafka message as the producer would send it, and what the streaming query would make of it. */
export interface DryRunMessage {
  /** The topic's name in the definition. */
  readonly topic: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
  /** The document the message becomes in its collection; absent for a dead letter. */
  readonly document?: Record<string, unknown>;
  /** The dead-letter reason the streaming checks give it; absent for a valid message. */
  readonly deadLetter?: string;
}

/** A source record the producer would not send, by its index in the input, with why. */
export interface RejectedRecord {
  readonly index: number;
  readonly reason: string;
}

export interface DryRun {
  readonly rejected: RejectedRecord[];
  /** In the order the producer would send them: per source record, per topic. */
  readonly messages: DryRunMessage[];
}

/** Where each Kafka topic's next (pretend) offset is: one partition, offsets from 0 in send order. */
type Offsets = Map<string, number>;

/**
 * What the streaming query makes of one message: the dead letter its checks raise, or the document it
 * stores (from the value as Spark's from_json would parse it), at the next offset of its Kafka topic.
 */
function consume(topic: ResolvedPipelineTopic, message: { key: string | null; value: string }, offsets: Offsets, now: Date): Pick<DryRunMessage, 'document' | 'deadLetter'> {
  const offset = offsets.get(topic.kafkaTopic) ?? 0;
  offsets.set(topic.kafkaTopic, offset + 1);
  const envelope = topic.schema.envelopeFields;
  const reason = messageReason(envelope, message);
  if (reason !== null) return { deadLetter: reason };
  return { document: stored(topic, JSON.parse(message.value) as object, offset, now) };
}

/**
 * What the streaming query makes of a bare value (a `kafka()` topic fed by others, src/stream/queries.ts): the
 * record checked alone, as the envelope's `data`, then wrapped into the envelope the query makes of it (the
 * key read from the record, Kafka's timestamp, here `now`, as when it was fetched and produced).
 */
function consumeBare(topic: ResolvedPipelineTopic, value: string, offsets: Offsets, now: Date): Pick<DryRunMessage, 'document' | 'deadLetter'> {
  const offset = offsets.get(topic.kafkaTopic) ?? 0;
  offsets.set(topic.kafkaTopic, offset + 1);
  let record: unknown;
  try {
    record = JSON.parse(value);
  } catch {
    record = undefined;
  }
  const data = record !== null && typeof record === 'object' && !Array.isArray(record) ? fromJsonLike(record, topic.schema.fields) : null;
  const parts = topic.key.map((path) => path.split('.').reduce<unknown>((at, segment) => (at !== null && typeof at === 'object' ? ((at as Record<string, unknown>)[segment] ?? null) : null), data));
  const id = parts.every((p) => p !== null) ? parts.map(String).join('/') : null;
  const at = now.toISOString();
  const wrapped = data === null ? value : JSON.stringify({ schema_version: ENVELOPE_SCHEMA_VERSION, source: `kafka:${topic.kafkaTopic}`, fetched_at: at, produced_at: at, id, data: record });
  const reason = messageReason(bareValueFields(topic.schema.envelopeFields), { key: id, value: wrapped });
  if (reason !== null) return { deadLetter: reason };
  return { document: stored(topic, JSON.parse(wrapped) as object, offset, now) };
}

function stored(topic: ResolvedPipelineTopic, value: object, offset: number, now: Date): Record<string, unknown> {
  const parsed = fromJsonLike(value, topic.schema.envelopeFields);
  return storedDocument(topic, parsed, { topic: topic.kafkaTopic, partition: 0, offset, timestamp: now }, now);
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Raw source records through the pipeline: each normalised (or rejected with the source's reason), protected,
 * turned into every topic's records (a projection that throws rejects the record, naming the topic), wrapped
 * in the envelope the producer sends (validated like the producer validates it), then checked and stored as
 * the streaming query would.
 */
export function dryRunRecords(pipeline: ResolvedPipeline, raws: readonly unknown[], normalize: (raw: unknown) => Normalized<unknown>, options: DryRunOptions): DryRun {
  const rejected: RejectedRecord[] = [];
  const messages: DryRunMessage[] = [];
  const offsets: Offsets = new Map();
  raws.forEach((raw, index) => {
    const normalized = normalize(raw);
    if (!normalized.ok) {
      rejected.push({ index, reason: normalized.reason });
      return;
    }
    const record = pipeline.protect(normalized.record, options.pii);
    const outgoing: { topic: ResolvedPipelineTopic; key: string; value: string }[] = [];
    for (const topic of pipeline.topics) {
      try {
        for (const data of topic.toRecords?.(record) ?? []) {
          const key = topic.recordKey(record, data);
          const envelope = {
            schema_version: ENVELOPE_SCHEMA_VERSION,
            source: options.source,
            fetched_at: options.fetchedAt,
            produced_at: options.now.toISOString(),
            id: key,
            data,
          };
          const checked = topic.schema.envelope.safeParse(envelope);
          if (!checked.success) throw new Error(`the message value does not validate: ${describeZodError(checked.error)}`);
          outgoing.push({ topic, key, value: JSON.stringify(envelope) });
        }
      } catch (error) {
        // The producer sends all of a record's messages or none of them.
        rejected.push({ index, reason: `topic ${topic.topic}: ${errorText(error)}` });
        return;
      }
    }
    for (const { topic, key, value } of outgoing) messages.push({ topic: topic.topic, key, headers: ENVELOPE_HEADERS, value, ...consume(topic, { key, value }, offsets, options.now) });
  });
  return { rejected, messages };
}

/** Raw Kafka messages of one topic (a test's `messages`) through the streaming checks alone; `bare`: values are records, not envelopes. */
export function dryRunMessages(topic: ResolvedPipelineTopic, raws: readonly { readonly key?: string; readonly value: string }[], now: Date, { bare = false, offsets = new Map() }: { bare?: boolean; offsets?: Offsets } = {}): DryRunMessage[] {
  return raws.map((raw) => {
    const message = { key: raw.key ?? null, value: raw.value };
    return { topic: topic.topic, ...message, headers: bare ? {} : ENVELOPE_HEADERS, ...(bare ? consumeBare(topic, raw.value, offsets, now) : consume(topic, message, offsets, now)) };
  });
}
