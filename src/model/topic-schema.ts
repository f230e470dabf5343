import type { z } from 'zod';
import type { Fields, InferFields, StringField } from './fields.js';
import { jsonSchemaDocument, type JsonSchema } from './to-json-schema.js';
import { storedDocumentValidator, type MongoValidator } from './to-mongo.js';
import { fieldsToZod } from './to-zod.js';
import { ANY_KEY, envelopeFields } from './wire.js';

/** A Kafka message value whose `data` is T. */
export interface Envelope<T> {
  schema_version: 1;
  source: string;
  fetched_at: string;
  produced_at: string;
  id: string;
  data: T;
}

/** Everything derived from one topic's fields: what the producer, Spark, MongoDB and the docs read. */
export interface TopicSchema<S extends Fields = Fields> {
  readonly topic: string;
  /** Descriptor of `data`. */
  readonly fields: S;
  /** Descriptor of the whole message value (its `id` validated like the key field). */
  readonly envelopeFields: ReturnType<typeof envelopeFields<S>>;
  /** zod schema of `data` (strict: unknown keys are errors). */
  readonly data: z.ZodType<InferFields<S>>;
  /** zod schema of the whole message value. */
  readonly envelope: z.ZodType<Envelope<InferFields<S>>>;
  /** JSON Schema (2020-12) of `data`. */
  readonly dataJsonSchema: JsonSchema;
  /** JSON Schema (2020-12) of the whole message value. */
  readonly envelopeJsonSchema: JsonSchema;
  /** Validator for the topic's MongoDB collection (stored document, not the message). */
  readonly mongoValidator: MongoValidator;
}

export interface TopicSchemaOptions {
  /**
   * The descriptor of the field the key is read from: the envelope's `id` is validated like it (a UUID key
   * keeps its "not a UUID: id" check). Omitted (a composite key, a key of a zod-described record): any
   * non-empty string.
   */
  readonly keyField?: StringField;
}

/** Derives every schema of one topic from its fields; the one place they are computed, for any pipeline. */
export function deriveTopicSchema<S extends Fields>(topic: string, fields: S, { keyField = ANY_KEY }: TopicSchemaOptions = {}): TopicSchema<S> {
  const envelope = envelopeFields(fields, keyField);
  return {
    topic,
    fields,
    envelopeFields: envelope,
    data: fieldsToZod(fields),
    envelope: fieldsToZod(envelope) as unknown as z.ZodType<Envelope<InferFields<S>>>,
    dataJsonSchema: jsonSchemaDocument(fields, { id: `urn:streamline:${topic}:data`, title: `${topic} data` }),
    envelopeJsonSchema: jsonSchemaDocument(envelope, {
      id: `urn:streamline:${topic}:value`,
      title: `${topic} message value`,
      description: 'Kafka message value: envelope around the topic projection of one source record',
    }),
    mongoValidator: storedDocumentValidator(fields, { title: `${topic} stored document` }),
  };
}

