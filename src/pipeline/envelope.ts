import { ENVELOPE_SCHEMA_VERSION } from '../model/index.js';
import type { ResolvedPipelineTopic } from './resolve.js';

/** What the envelope says of a record besides its key and data (src/model/wire.ts). */
export interface EnvelopeMeta {
  /** Where the record came from: the source runtime's label, e.g. `http:api.example.com`. */
  readonly source: string;
  /** ISO-8601 instants. */
  readonly fetchedAt: string;
  readonly producedAt: string;
}

/**
 * A topic's message values for one source record: each of the records the topic makes of it (project, pick or
 * explode: 0..n), in the envelope, keyed by the topic's key, validated by the topic's envelope schema (throws
 * when a record does not fit): what the producer sends.
 */
export function topicEnvelopes(topic: ResolvedPipelineTopic, record: unknown, meta: EnvelopeMeta): { key: string; envelope: unknown }[] {
  return (topic.toRecords?.(record) ?? []).map((data) => {
    const key = topic.recordKey(record, data);
    const envelope = { schema_version: ENVELOPE_SCHEMA_VERSION, source: meta.source, fetched_at: meta.fetchedAt, produced_at: meta.producedAt, id: key, data };
    return { key, envelope: topic.schema.envelope.parse(envelope) };
  });
}
