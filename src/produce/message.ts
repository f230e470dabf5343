/** Header carrying the topic schema's version, so consumers can pick the matching decoder. */
export const SCHEMA_VERSION_HEADER = 'schema-version';
export const CONTENT_TYPE_HEADER = 'content-type';
export const JSON_CONTENT_TYPE = 'application/json';

/** One Kafka record as the producer sends it: everything already a string. */
export interface OutgoingMessage {
  topic: string;
  /** The user id (login.uuid); also the MongoDB _id downstream. */
  key: string;
  /** JSON text of the envelope (built by the caller). */
  value: string;
  headers: Readonly<Record<string, string>>;
}

/** The outcome of one record; a send resolves with one of these and never rejects. */
export type DeliveryReport =
  | { ok: true; topic: string; key: string; partition: number; offset: bigint }
  | { ok: false; topic: string; key: string; error: Error };

/** Builds a record with our standard headers: the schema version and `content-type: application/json`. */
export function jsonMessage(topic: string, key: string, envelope: unknown, schemaVersion: string | number): OutgoingMessage {
  return {
    topic,
    key,
    value: typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
    headers: { [SCHEMA_VERSION_HEADER]: String(schemaVersion), [CONTENT_TYPE_HEADER]: JSON_CONTENT_TYPE },
  };
}

/** How one topic is fed: its name and the projection of a user into that topic's record. */
export interface TopicRoute<U> {
  topic: string;
  toMessage(user: U): OutgoingMessage;
}

/**
 * Turns the configured topic list into a `toMessages` function. Every configured topic must have a
 * route (a typo in --topics fails here, before anything is fetched); routes not configured are unused.
 */
export function createRouter<U>(routes: ReadonlyArray<TopicRoute<U>>, topics: ReadonlyArray<string>): (user: U) => OutgoingMessage[] {
  const byTopic = new Map(routes.map((route) => [route.topic, route]));
  const unknown = topics.filter((topic) => !byTopic.has(topic));
  if (unknown.length > 0) {
    throw new Error(`no route for topic(s) ${unknown.join(', ')}; known topics: ${[...byTopic.keys()].join(', ')}`);
  }
  if (new Set(topics).size !== topics.length) throw new Error(`topic list has duplicates: ${topics.join(', ')}`);
  const selected = topics.map((topic) => byTopic.get(topic) as TopicRoute<U>);
  return (user) =>
    selected.map((route) => {
      const message = route.toMessage(user);
      if (message.topic !== route.topic) throw new Error(`route for ${route.topic} produced a record for ${message.topic}`);
      return message;
    });
}
