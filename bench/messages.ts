import { TOPIC_NAMES, type NormalizedUser, type TopicName } from '../src/model/index.js';
import { createRouter, userRoutes, type OutgoingMessage } from '../src/produce/index.js';
import { fetchUsers, startApiServer } from '../src/source/index.js';

/**
 * The records our producer publishes for `users` seeded users (one per topic per user), built by the
 * product's own code from our local API: what both producers in `produce` send, byte for byte.
 */
export async function userMessages(users: number, seed: string, topicNames: Partial<Record<TopicName, string>> = {}): Promise<OutgoingMessage[]> {
  const server = await startApiServer({ host: '127.0.0.1', port: 0 });
  try {
    const fetchedAt = new WeakMap<NormalizedUser, string>();
    const topics = TOPIC_NAMES.map((t) => topicNames[t] ?? t);
    const toMessages = createRouter(userRoutes(TOPIC_NAMES, server.url, fetchedAt, topicNames), topics);
    const messages: OutgoingMessage[] = [];
    const pageSize = 1000;
    for (let page = 1, fetched = 0; fetched < users; page++) {
      const result = await fetchUsers({ apiUrl: server.url, results: Math.min(pageSize, users - fetched), seed, page });
      if (result.invalid.length) throw new Error(`local API served ${result.invalid.length} invalid user(s) on page ${page}`);
      for (const user of result.users) {
        fetchedAt.set(user, result.fetchedAt);
        messages.push(...toMessages(user));
      }
      fetched += result.users.length;
    }
    return messages;
  } finally {
    await server.close();
  }
}

/** Mean value size in bytes (UTF-8), for the report. */
export const meanValueBytes = (messages: readonly OutgoingMessage[]): number =>
  messages.length === 0 ? 0 : messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0) / messages.length;
