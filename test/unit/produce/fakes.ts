import type { FetchBatch } from '../../../src/produce/feed.js';
import { jsonMessage, type DeliveryReport, type OutgoingMessage } from '../../../src/produce/message.js';

export interface FakeUser {
  id: string;
  name: string;
}

export const TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'] as const;

export interface FetchCall {
  count: number;
  seed: string;
  page: number;
}

/**
 * A deterministic stand-in for the Random User API: page p of seed s holds users `s:p:i`.
 * `failures` lists 1-based call numbers that throw (as a dead API would, after its own retries).
 */
export function fakeApi(options: { failures?: number[]; invalidPerPage?: number; overlapPreviousPage?: number } = {}) {
  const calls: FetchCall[] = [];
  const fetchBatch: FetchBatch<FakeUser> = async (count, { seed, page }) => {
    calls.push({ count, seed, page });
    if (options.failures?.includes(calls.length)) throw new Error(`503 from the API (call ${calls.length})`);
    const users = Array.from({ length: count }, (_, i) => ({ id: `${seed}:${page}:${i}`, name: `user ${i}` }));
    // A misbehaving API repeating users from the previous page.
    const repeated = page > 1 ? Array.from({ length: options.overlapPreviousPage ?? 0 }, (_, i) => ({ id: `${seed}:${page - 1}:${i}`, name: `again ${i}` })) : [];
    return { records: [...repeated, ...users], invalid: options.invalidPerPage ?? 0 };
  };
  return { fetchBatch, calls };
}

export const toMessages = (user: FakeUser): OutgoingMessage[] => TOPICS.map((topic) => jsonMessage(topic, user.id, { name: user.name, topic }));

/**
 * A stand-in for KafkaProducer: records every send; `fail` decides which records finally fail;
 * with `holdUntilFlush`, acknowledgements only arrive when flush is called (records in flight).
 */
export function fakeProducer(options: { fail?: (message: OutgoingMessage) => boolean; holdUntilFlush?: boolean } = {}) {
  const sent: OutgoingMessage[] = [];
  const held: Array<() => void> = [];
  let flushes = 0;
  const send = (message: OutgoingMessage): Promise<DeliveryReport> => {
    sent.push(message);
    const report = (): DeliveryReport =>
      options.fail?.(message)
        ? { ok: false, topic: message.topic, key: message.key, error: new Error('NOT_ENOUGH_REPLICAS') }
        : { ok: true, topic: message.topic, key: message.key, partition: 0, offset: BigInt(sent.length) };
    if (!options.holdUntilFlush) return Promise.resolve(report());
    return new Promise((resolve) => held.push(() => resolve(report())));
  };
  const flush = async (): Promise<void> => {
    flushes++;
    for (const release of held.splice(0)) release();
  };
  return {
    send,
    flush,
    sent,
    get flushes() {
      return flushes;
    },
    get inFlight() {
      return held.length;
    },
  };
}

export const keysOf = (messages: OutgoingMessage[], topic: string): string[] => messages.filter((m) => m.topic === topic).map((m) => m.key);
