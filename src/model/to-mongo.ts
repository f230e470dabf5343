import { requiredKeys, type Field, type Fields } from './fields.js';
import { ISO_UTC_INSTANT_PATTERN, type JsonSchema } from './to-json-schema.js';

/**
 * A MongoDB collection validator (`createCollection(name, { validator })` / `collMod`). A type alias, not an
 * interface, so it is assignable to the driver's `Document` / `Record<string, unknown>`.
 */
export type MongoValidator = { readonly $jsonSchema: JsonSchema };

function withNull(types: string | string[], nullable: boolean): string | string[] {
  const list = Array.isArray(types) ? types : [types];
  const all = nullable ? [...list, 'null'] : list;
  return all.length === 1 ? (all[0] as string) : all;
}

function defined(entries: Record<string, unknown>): JsonSchema {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/**
 * `$jsonSchema` of one field. MongoDB's dialect uses `bsonType` and knows no `format`, so:
 * - integer -> int or long (Spark INT/BIGINT and the Node driver both pick the smallest that fits),
 * - number -> the `number` alias (int, long, double, decimal): the Node driver stores 77.0 as an int,
 * - timestamp -> an ISO string (what our Spark DDL keeps) or a BSON date (if a job casts it); `pattern`
 *   only applies to the string case.
 */
function fieldToBsonSchema(field: Field): JsonSchema {
  const description = field.description;
  switch (field.kind) {
    case 'string':
      return defined({
        bsonType: withNull('string', field.nullable),
        enum: field.enum && (field.nullable ? [...field.enum, null] : [...field.enum]),
        minLength: field.minLength,
        pattern: field.pattern,
        description,
      });
    case 'integer':
      return defined({
        bsonType: withNull(['int', 'long'], field.nullable),
        enum: field.enum && (field.nullable ? [...field.enum, null] : [...field.enum]),
        minimum: field.minimum,
        maximum: field.maximum,
        description,
      });
    case 'number':
      return defined({ bsonType: withNull('number', field.nullable), minimum: field.minimum, maximum: field.maximum, description });
    case 'boolean':
      return defined({ bsonType: withNull('bool', field.nullable), description });
    case 'timestamp':
      return defined({ bsonType: withNull(['string', 'date'], field.nullable), pattern: ISO_UTC_INSTANT_PATTERN, description });
    case 'date':
      return defined({ bsonType: withNull('date', field.nullable), description });
    case 'object':
      return defined({ ...bsonObjectSchema(field.fields), bsonType: withNull('object', field.nullable), description });
  }
}

/** `$jsonSchema` of an object descriptor, closed like the zod schema. */
export function bsonObjectSchema(fields: Fields): JsonSchema {
  return {
    bsonType: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldToBsonSchema(field)])),
    required: requiredKeys(fields),
    additionalProperties: false,
  };
}

const instant = (description: string): JsonSchema => ({ bsonType: ['string', 'date'], pattern: ISO_UTC_INSTANT_PATTERN, description });

/**
 * Keys a stored document carries besides the topic's own fields. The Spark job writes them; a key not listed
 * here (or in the topic's fields) is rejected, so a drifting writer fails loudly instead of silently.
 */
export const STORED_DOCUMENT_EXTRA_PROPERTIES = {
  _id: { bsonType: 'string', minLength: 1, description: 'record key (the pipeline key), also the Kafka message key' },
  kafka: {
    bsonType: 'object',
    required: ['topic', 'partition', 'offset', 'timestamp'],
    additionalProperties: false,
    properties: {
      topic: { bsonType: 'string' },
      partition: { bsonType: ['int', 'long'], minimum: 0 },
      offset: { bsonType: ['int', 'long'], minimum: 0 },
      timestamp: { bsonType: 'date' },
    },
    description: 'where the latest version of this document was read from',
  },
  ingested_at: { bsonType: 'date', description: 'when the Spark job wrote the document' },
  fetched_at: instant('envelope: when the producer fetched the source record'),
  produced_at: instant('envelope: when the producer sent the message'),
  schema_version: { bsonType: ['int', 'long'], minimum: 1, description: 'envelope schema version (optional)' },
  source: { bsonType: 'string', description: 'envelope source, e.g. the API URL (optional)' },
} as const satisfies Record<string, JsonSchema>;

const STORED_DOCUMENT_REQUIRED_EXTRAS = ['_id', 'kafka', 'ingested_at', 'fetched_at', 'produced_at'] as const;

/**
 * Validator for a topic's collection: the stored document is `_id` + the topic's fields at the top level +
 * `kafka {topic, partition, offset, timestamp}` + `ingested_at` + the envelope timestamps.
 */
export function storedDocumentValidator(topicFields: Fields, meta: { title: string }): MongoValidator {
  const clash = Object.keys(topicFields).filter((name) => name in STORED_DOCUMENT_EXTRA_PROPERTIES);
  if (clash.length > 0) {
    throw new Error(`topic fields ${clash.join(', ')} of ${meta.title} clash with stored-document keys; rename them`);
  }
  const data = bsonObjectSchema(topicFields);
  return {
    $jsonSchema: {
      bsonType: 'object',
      title: meta.title,
      required: [...STORED_DOCUMENT_REQUIRED_EXTRAS, ...(data.required as string[])],
      properties: { ...STORED_DOCUMENT_EXTRA_PROPERTIES, ...(data.properties as Record<string, JsonSchema>) },
      additionalProperties: false,
    },
  };
}
