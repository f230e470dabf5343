import { describeZodError } from './zod-error.js';
import type { Fields, InferFields } from './fields.js';
import type { Envelope, TopicSchema } from './topic-schema.js';

export class InvalidEnvelopeError extends Error {
  override name = 'InvalidEnvelopeError';
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`invalid message value for topic ${topic}: ${reason}`);
  }
}

/** Parses and validates a message value (JSON text, bytes, or an already parsed object) by a topic's envelope schema. */
export function parseEnvelope<S extends Fields>(schema: TopicSchema<S>, value: string | Uint8Array | unknown): Envelope<InferFields<S>> {
  const parsed = decodeJson(schema.topic, value);
  const result = schema.envelope.safeParse(parsed);
  if (!result.success) throw new InvalidEnvelopeError(schema.topic, describeZodError(result.error));
  return result.data;
}

function decodeJson(topic: string, value: unknown): unknown {
  const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEnvelopeError(topic, `not JSON (${(error as Error).message})`);
  }
}
