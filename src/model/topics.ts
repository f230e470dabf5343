import { StreamlineError } from '../core/errors.js';
import { string, type Fields, type InferFields } from './fields.js';
import { deriveTopicSchema, type Envelope, type TopicSchema } from './topic-schema.js';
import { datedFields, genderField, locationFields, nameFields, natField, normalizedUserFields, pictureFields, type NormalizedUser } from './user.js';

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

/** The derivations of one Random User topic (src/model/topic-schema.ts, as for any pipeline) and its projection. */
type UserTopicSchema<N extends TopicName = TopicName> = TopicSchema<(typeof TOPIC_FIELDS)[N]> & {
  readonly topic: N;
  readonly project: (user: NormalizedUser) => TopicData<N>;
};

/** The Random User key, `login.uuid`: the envelope's `id` keeps its UUID check. */
const USER_KEY_FIELD = normalizedUserFields.login.fields.uuid;

function userTopicSchema<N extends TopicName>(topic: N): UserTopicSchema<N> {
  return { ...deriveTopicSchema(topic, TOPIC_FIELDS[topic], { keyField: USER_KEY_FIELD }), topic, project: PROJECTIONS[topic] };
}

export const TOPIC_SCHEMAS: { readonly [N in TopicName]: UserTopicSchema<N> } = {
  'users.profile': userTopicSchema('users.profile'),
  'users.location': userTopicSchema('users.location'),
  'users.contact': userTopicSchema('users.contact'),
  'users.account': userTopicSchema('users.account'),
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
export function topicSchema<N extends TopicName>(topic: N): UserTopicSchema<N>;
export function topicSchema(topic: string): UserTopicSchema;
export function topicSchema(topic: string): UserTopicSchema {
  return TOPIC_SCHEMAS[assertTopicName(topic)] as UserTopicSchema;
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
