import { ENVELOPE_HEADERS } from '../model/index.js';

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

/** Builds a record with the envelope's headers (src/model/wire.ts: the schema version and the JSON content type). */
export function jsonMessage(topic: string, key: string, envelope: unknown): OutgoingMessage {
  return { topic, key, value: typeof envelope === 'string' ? envelope : JSON.stringify(envelope), headers: ENVELOPE_HEADERS };
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
