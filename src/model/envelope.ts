import { describeZodError } from './raw.js';
import { projectUser, topicSchema, type TopicEnvelope, type TopicName } from './topics.js';
import type { NormalizedUser } from './user.js';
import { ENVELOPE_SCHEMA_VERSION } from './wire.js';

export interface EnvelopeMeta {
  /** Where the user came from, e.g. the API URL. */
  readonly source: string;
  readonly fetchedAt: Date | string;
  readonly producedAt: Date | string;
}

const toIso = (instant: Date | string): string => new Date(instant).toISOString();

/** The message value for one user on one topic: envelope + the topic's projection, validated. */
export function buildEnvelope<N extends TopicName>(topic: N, user: NormalizedUser, meta: EnvelopeMeta): TopicEnvelope<N>;
export function buildEnvelope(topic: string, user: NormalizedUser, meta: EnvelopeMeta): TopicEnvelope<TopicName>;
export function buildEnvelope(topic: string, user: NormalizedUser, meta: EnvelopeMeta): TopicEnvelope<TopicName> {
  const envelope = {
    schema_version: ENVELOPE_SCHEMA_VERSION,
    source: meta.source,
    fetched_at: toIso(meta.fetchedAt),
    produced_at: toIso(meta.producedAt),
    id: user.login.uuid,
    data: projectUser(user, topic),
  };
  return topicSchema(topic).envelope.parse(envelope);
}

export class InvalidEnvelopeError extends Error {
  override name = 'InvalidEnvelopeError';
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`invalid message value for topic ${topic}: ${reason}`);
  }
}

/** Parses and validates a message value (JSON text, bytes, or an already parsed object) for a topic. */
export function parseEnvelope<N extends TopicName>(topic: N, value: string | Uint8Array | unknown): TopicEnvelope<N> {
  const parsed = decodeJson(topic, value);
  const result = topicSchema(topic).envelope.safeParse(parsed);
  if (!result.success) throw new InvalidEnvelopeError(topic, describeZodError(result.error));
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
