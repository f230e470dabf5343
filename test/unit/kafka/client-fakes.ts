// Fakes of the @platformatic/kafka parts the producer and ensureTopics use: a broker log that hands out
// offsets per partition, and metadata shaped like the client's.
import { UserError, type ClusterMetadata, type MessageToProduce, type ProduceResult } from '@platformatic/kafka';
import { partitionForKey, type ProduceClient } from '../../../src/kafka/index.js';

export type ClientMessage = MessageToProduce<string, string, string, string>;

export function metadataFor(partitions: Record<string, number>, leader = 1): ClusterMetadata {
  const topics = new Map(
    Object.entries(partitions).map(([topic, count]) => [
      topic,
      {
        id: topic,
        partitionsCount: count,
        lastUpdate: 0,
        partitions: Array.from({ length: count }, () => ({ leader, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [] })),
      },
    ]),
  );
  return { id: 'cluster', brokers: new Map(), controllerId: 1, topics, lastUpdate: 0 };
}

export const PARTITIONS = 3;

/** Where the real client puts a message with PARTITIONS partitions: its partition if set, else by its key. */
export const partitionOf = (m: ClientMessage): number => (m.partition ?? partitionForKey(m.key as string, PARTITIONS)) % PARTITIONS;

/** Offsets as the broker would return them: per partition, base offset = records already written there. */
export function brokerLog() {
  const written = new Map<string, number>();
  return (messages: ClientMessage[], accept: (partitionKey: string) => boolean = () => true): ProduceResult => {
    const offsets: NonNullable<ProduceResult['offsets']> = [];
    for (const m of messages) {
      const key = `${m.topic}:${partitionOf(m)}`;
      if (!accept(key)) continue;
      if (!offsets.some((o) => `${o.topic}:${o.partition}` === key)) offsets.push({ topic: m.topic, partition: partitionOf(m), offset: BigInt(written.get(key) ?? 0) });
    }
    for (const m of messages) {
      const key = `${m.topic}:${partitionOf(m)}`;
      if (accept(key)) written.set(key, (written.get(key) ?? 0) + 1);
    }
    return { offsets };
  };
}

type SendBehaviour = (messages: ClientMessage[], call: number) => Promise<ProduceResult>;

/** A producer client whose topics all have PARTITIONS partitions, except `missing.*` ones, which do not exist. */
export function fakeClient(behaviour: SendBehaviour) {
  const calls: ClientMessage[][] = [];
  const seen = new Set<string>();
  let renewals = 0;
  let closed = false;
  const client: ProduceClient = {
    send: async ({ messages }) => {
      calls.push(messages.map((m) => ({ ...m })));
      const missing = messages.find((m) => m.topic.startsWith('missing'));
      // The client's own error for it: a UserError, which no re-send can help.
      if (missing) throw new UserError(`Unknown topic ${missing.topic}.`);
      for (const m of messages) seen.add(m.topic);
      return behaviour(messages, calls.length);
    },
    metadata: async ({ topics }) => {
      const missing = topics.find((t) => t.startsWith('missing'));
      if (missing) throw new UserError(`Unknown topic ${missing}.`);
      return metadataFor(Object.fromEntries(topics.map((t) => [t, PARTITIONS])));
    },
    get currentMetadata() {
      return metadataFor(Object.fromEntries([...seen].map((t) => [t, PARTITIONS])));
    },
    initIdempotentProducer: async () => {
      renewals++;
      return {};
    },
    close: async () => {
      closed = true;
    },
  };
  return {
    client,
    calls,
    get renewals() {
      return renewals;
    },
    get closed() {
      return closed;
    },
  };
}
