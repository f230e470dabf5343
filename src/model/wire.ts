import { integer, object, string, timestamp, type Fields } from './fields.js';

/**
 * The wire format of every Kafka message value (snake_case JSON):
 * `{ schema_version, source, fetched_at, produced_at, id, data }`, where `id` is the user id (`login.uuid`,
 * also the message key) and `data` the topic's projection of the user.
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

/** Descriptor of a whole message value whose `data` is described by `data`. */
export function envelopeFields<S extends Fields>(data: S) {
  return {
    schema_version: integer({ enum: [ENVELOPE_SCHEMA_VERSION] }),
    source: string({ minLength: 1, description: 'where the user came from, e.g. the API URL' }),
    fetched_at: timestamp({ description: 'when the producer fetched the user' }),
    produced_at: timestamp({ description: 'when the producer sent this message' }),
    id: string({ format: 'uuid', description: 'user id (login.uuid); also the message key and MongoDB _id' }),
    data: object(data),
  };
}
