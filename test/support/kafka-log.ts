import { createKafkaAdmin, createRecordReader, endOffsets, kafkaConnection, recordsInLog, type StringRecord } from '../../src/kafka/index.js';
import { eventually } from '../../harness/poll.js';
import { uniqueName } from './services.js';

export interface TopicLog {
  /** Records in the log: the sum of the partitions' end offsets (for topics that start at offset 0). */
  inLog: number;
  /** Every record read back, each once, ordered by partition then offset. */
  messages: StringRecord[];
}

/**
 * Reads every record of `topics` from the beginning, once production has finished: the end offsets
 * first, then records until each offset was seen (a redelivered record counts once, by
 * topic/partition/offset), so what it returns is the log, not the consumer's view of it.
 */
export async function readTopicLogs(bootstrap: string, topics: readonly string[], { timeoutMs = 90_000 } = {}): Promise<Map<string, TopicLog>> {
  const consumer = createRecordReader(kafkaConnection(bootstrap), { clientId: uniqueName('log_reader'), groupId: uniqueName('log_reader') });
  try {
    const admin = createKafkaAdmin(kafkaConnection(bootstrap), uniqueName('log_reader'));
    const counts = await endOffsets(admin, topics).finally(() => admin.close().catch(() => undefined));
    const inLog = new Map(topics.map((topic) => [topic, recordsInLog(counts.endOffsets)[topic] ?? 0]));
    const total = [...inLog.values()].reduce((a, b) => a + b, 0);
    const seen = new Map<string, StringRecord>();
    // On a fresh broker the group coordinator needs a moment (JoinGroup fails until it is ready).
    const stream = await eventually(() => consumer.consume({ topics: [...topics], mode: 'earliest', autocommit: false }), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      what: 'the consumer group to join',
    });
    stream.on('data', (message: StringRecord) => seen.set(`${message.topic}/${message.partition}/${message.offset}`, message));
    await eventually(() => seen.size >= total, { timeoutMs, what: `${total} records on ${topics.join(', ')} (have ${seen.size})` });
    await stream.close();
    const all = [...seen.values()].sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    return new Map(topics.map((topic) => [topic, { inLog: inLog.get(topic) as number, messages: all.filter((m) => m.topic === topic) }]));
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
