import type { z } from 'zod';
import { StreamlineError } from '../core/errors.js';
import { string, type Fields, type InferFields } from './fields.js';
import { jsonSchemaDocument, type JsonSchema } from './to-json-schema.js';
import { storedDocumentValidator, type MongoValidator } from './to-mongo.js';
import { fieldsToZod } from './to-zod.js';
import { datedFields, genderField, locationFields, nameFields, natField, pictureFields, type NormalizedUser } from './user.js';
import { envelopeFields } from './wire.js';

/** Each topic's `data`: a projection of the canonical user, described once. */
export const TOPIC_FIELDS = {
  'users.profile': { name: nameFields, gender: genderField, dob: datedFields, nat: natField, picture: pictureFields },
  'users.location': locationFields,
  'users.contact': { email: string({ minLength: 1 }), phone: string(), cell: string() },
  'users.account': { username: string({ minLength: 1 }), registered: datedFields },
} as const satisfies Record<string, Fields>;

export type TopicName = keyof typeof TOPIC_FIELDS;
export const TOPIC_NAMES = Object.keys(TOPIC_FIELDS) as TopicName[];

export type TopicData<N extends TopicName> = InferFields<(typeof TOPIC_FIELDS)[N]>;

/** A Kafka message value for topic N. */
export interface Envelope<T> {
  schema_version: 1;
  source: string;
  fetched_at: string;
  produced_at: string;
  id: string;
  data: T;
}
export type TopicEnvelope<N extends TopicName> = Envelope<TopicData<N>>;

const PROJECTIONS: { readonly [N in TopicName]: (user: NormalizedUser) => TopicData<N> } = {
  'users.profile': (user) => ({
    name: { ...user.name },
    gender: user.gender,
    dob: { ...user.dob },
    nat: user.nat,
    picture: { ...user.picture },
  }),
  'users.location': ({ location }) => ({
    street: { number: location.street.number, name: location.street.name },
    city: location.city,
    state: location.state,
    country: location.country,
    postcode: location.postcode,
    coordinates: { latitude: location.coordinates.latitude, longitude: location.coordinates.longitude },
    timezone: { offset: location.timezone.offset, description: location.timezone.description },
  }),
  'users.contact': (user) => ({ email: user.email, phone: user.phone, cell: user.cell }),
  'users.account': (user) => ({ username: user.login.username, registered: { ...user.registered } }),
};

/** Everything derived from one topic's descriptor. */
export interface TopicSchema<N extends TopicName = TopicName> {
  readonly topic: N;
  /** Descriptor of `data`. */
  readonly fields: (typeof TOPIC_FIELDS)[N];
  /** zod schema of `data` (strict: unknown keys are errors). */
  readonly data: z.ZodType<TopicData<N>>;
  /** zod schema of the whole message value. */
  readonly envelope: z.ZodType<TopicEnvelope<N>>;
  /** JSON Schema (2020-12) of `data`. */
  readonly dataJsonSchema: JsonSchema;
  /** JSON Schema (2020-12) of the whole message value. */
  readonly envelopeJsonSchema: JsonSchema;
  /** Validator for the topic's MongoDB collection (stored document, not the message). */
  readonly mongoValidator: MongoValidator;
  readonly project: (user: NormalizedUser) => TopicData<N>;
}

function deriveTopicSchema<N extends TopicName>(topic: N): TopicSchema<N> {
  const fields = TOPIC_FIELDS[topic];
  const envelope = envelopeFields(fields);
  return {
    topic,
    fields,
    data: fieldsToZod(fields) as unknown as z.ZodType<TopicData<N>>,
    envelope: fieldsToZod(envelope) as unknown as z.ZodType<TopicEnvelope<N>>,
    dataJsonSchema: jsonSchemaDocument(fields, { id: `urn:streamline:${topic}:data`, title: `${topic} data` }),
    envelopeJsonSchema: jsonSchemaDocument(envelope, {
      id: `urn:streamline:${topic}:value`,
      title: `${topic} message value`,
      description: 'Kafka message value: envelope around the topic projection of one user',
    }),
    mongoValidator: storedDocumentValidator(fields, { title: `${topic} stored document` }),
    project: PROJECTIONS[topic],
  };
}

export const TOPIC_SCHEMAS: { readonly [N in TopicName]: TopicSchema<N> } = {
  'users.profile': deriveTopicSchema('users.profile'),
  'users.location': deriveTopicSchema('users.location'),
  'users.contact': deriveTopicSchema('users.contact'),
  'users.account': deriveTopicSchema('users.account'),
};

export class UnknownTopicError extends StreamlineError {
  override name = 'UnknownTopicError';
  constructor(readonly topics: readonly string[]) {
    const names = topics.map((topic) => JSON.stringify(topic)).join(', ');
    super('UNKNOWN_TOPIC', `unknown topic ${names}: each topic needs a projection; known topics are ${TOPIC_NAMES.join(', ')}`);
  }
}

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(TOPIC_FIELDS, name);
}

/** The topic's name, checked; throws UnknownTopicError listing the known topics. */
function assertTopicName(name: string): TopicName {
  if (!isTopicName(name)) throw new UnknownTopicError([name]);
  return name;
}

/** Schema bundle of a configured topic name; throws UnknownTopicError for a name with no projection. */
export function topicSchema<N extends TopicName>(topic: N): TopicSchema<N>;
export function topicSchema(topic: string): TopicSchema;
export function topicSchema(topic: string): TopicSchema {
  return TOPIC_SCHEMAS[assertTopicName(topic)] as TopicSchema;
}

/** Checks a configured topic list up front, so a typo fails at startup and names every bad entry. */
export function resolveTopics(names: readonly string[]): TopicName[] {
  const unknown = names.filter((name) => !isTopicName(name));
  if (unknown.length > 0) throw new UnknownTopicError(unknown);
  return [...new Set(names)] as TopicName[];
}

/** The topic's projection of a user (validated, strict). */
export function projectUser<N extends TopicName>(user: NormalizedUser, topic: N): TopicData<N>;
export function projectUser(user: NormalizedUser, topic: string): TopicData<TopicName>;
export function projectUser(user: NormalizedUser, topic: string): TopicData<TopicName> {
  const schema = topicSchema(topic);
  return schema.data.parse(schema.project(user));
}
