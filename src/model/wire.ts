import { integer, object, string, timestamp, type Field, type Fields, type StringField } from './fields.js';

/**
 * The wire format of every Kafka message value (snake_case JSON):
 * `{ schema_version, source, fetched_at, produced_at, id, data }`, where `id` is the record key (the pipeline's
 * key, e.g. Random User's `login.uuid`; also the message key) and `data` the topic's projection of the record.
 */
export const ENVELOPE_SCHEMA_VERSION = 1;

export const HEADER_SCHEMA_VERSION = 'schema-version';
export const HEADER_CONTENT_TYPE = 'content-type';
export const CONTENT_TYPE_JSON = 'application/json';

/** Kafka headers that go with every message value. */
export const ENVELOPE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  [HEADER_SCHEMA_VERSION]: String(ENVELOPE_SCHEMA_VERSION),
  [HEADER_CONTENT_TYPE]: CONTENT_TYPE_JSON,
});

/** The key field when none is given (a composite key, a key of a zod-described record): any non-empty string. */
export const ANY_KEY: StringField = { kind: 'string', nullable: false, optional: false, minLength: 1 };

/**
 * What a bare value (a record someone else's producer wrote to a `kafka()` topic, not an envelope) is checked
 * by: its record, as the envelope's `data`. The streaming query makes the rest of the envelope itself, from
 * the record's key fields and Kafka's timestamp, so nothing else of it can be wrong.
 */
export const bareValueFields = <E extends { data: Field }>(envelope: E): Pick<E, 'data'> => ({ data: envelope.data });

/**
 * Descriptor of a whole message value whose `data` is described by `data`. The `id` is validated like the key
 * field it is read from (its kind, format, pattern, length, enum; never null or absent).
 */
export function envelopeFields<S extends Fields>(data: S, keyField: StringField = ANY_KEY) {
  return {
    schema_version: integer({ enum: [ENVELOPE_SCHEMA_VERSION] }),
    source: string({ minLength: 1, description: 'where the record came from, e.g. the API URL' }),
    fetched_at: timestamp({ description: 'when the producer fetched the source record' }),
    produced_at: timestamp({ description: 'when the producer sent this message' }),
    id: { ...keyField, nullable: false, optional: false, description: 'record key (the pipeline key); also the message key and MongoDB _id' } as StringField,
    data: object(data),
  };
}
