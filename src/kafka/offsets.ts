import type { KafkaAdmin } from './admin.js';

/** topic -> partition -> the offset the next record will get. */
export type EndOffsets = Record<string, Record<string, number>>;

/** End offsets and partition counts of the topics that exist (absent topics are left out). */
export async function endOffsets(admin: KafkaAdmin, topics: readonly string[]): Promise<{ endOffsets: EndOffsets; partitions: Record<string, number> }> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (present.length === 0) return { endOffsets: {}, partitions: {} };
  const metadata = await admin.metadata({ topics: present, forceUpdate: true });
  const partitions = Object.fromEntries(present.map((t) => [t, metadata.topics.get(t)?.partitionsCount ?? 0]));
  const listed = await admin.listOffsets({
    topics: present.map((name) => ({ name, partitions: [...Array(partitions[name]).keys()].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })),
  });
  const ends = Object.fromEntries(listed.map((t) => [t.name, Object.fromEntries(t.partitions.map((p) => [String(p.partitionIndex), Number(p.offset)]))]));
  return { endOffsets: ends, partitions };
}

/** Records in each topic's log: the sum of its partitions' end offsets (for topics never compacted or truncated). */
export const recordsInLog = (ends: EndOffsets): Record<string, number> =>
  Object.fromEntries(Object.entries(ends).map(([topic, partitions]) => [topic, Object.values(partitions).reduce((a, b) => a + b, 0)]));
