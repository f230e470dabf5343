// Scenario 8: poison written straight to Kafka, bypassing our producer's validation: 10 % of one
// topic's records are invalid in every way faults/poison.ts knows, mixed into a normal producer run.
// Each must land in dead_letters exactly once and nowhere else.
import { randomUUID } from 'node:crypto';
import { configuredConnection, createRecordWriter } from '../../src/kafka/index.js';
import { fetchUsers } from '../../src/source/index.js';
import { builtinEnvelope } from '../../harness/builtin-pipeline.js';
import type { KafkaPosition } from '../checker.js';
import { poisonRecord, POISON_KINDS } from '../poison.js';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { producerExitCheck } from './checks.js';

/** Writes the poison one record at a time (acks=all), returning where each landed. */
async function writePoison(ctx: ScenarioContext, topic: string, count: number): Promise<{ positions: KafkaPosition[]; kinds: Record<string, number> }> {
  const api = await ctx.startApi();
  // Valid records of users the producer never sees (another seed), each then broken one way.
  const { users } = await fetchUsers({ apiUrl: api.url, results: count, seed: `${ctx.seed}-poison` });
  const producer = createRecordWriter(configuredConnection(ctx.config), 'streamline-faults-poison');
  const positions: KafkaPosition[] = [];
  const kinds: Record<string, number> = {};
  try {
    for (const [i, user] of users.entries()) {
      const envelope = builtinEnvelope(topic, user, { source: 'faults:poison', fetchedAt: new Date(), producedAt: new Date() });
      const poison = poisonRecord(i, { key: user.login.uuid, envelope }, randomUUID());
      const result = await producer.send({ messages: [{ topic, key: poison.key === undefined ? undefined : Buffer.from(poison.key), value: poison.value }] });
      const [landed] = result.offsets ?? [];
      if (!landed) throw new Error(`no offset for poison record #${i} (${poison.kind})`);
      positions.push({ topic, partition: landed.partition, offset: String(landed.offset) });
      kinds[poison.kind] = (kinds[poison.kind] ?? 0) + 1;
    }
  } finally {
    await producer.close();
  }
  return { positions, kinds };
}

export const poison: Scenario = {
  id: '8',
  name: "poison straight into Kafka: 10 % of one topic's records invalid in every way",
  inQuick: true,
  run: async (ctx) => {
    const topic = ctx.bindings[0]?.topic as string;
    await ctx.startStreaming();
    const producer = ctx.startProducer();
    // 10 % of the topic's records: poison / (users + poison) = 1/10, and every kind at least once.
    const count = Math.max(POISON_KINDS.length, Math.round(ctx.users / 9));
    await ctx.waitForAcks(Math.floor(ctx.users * ctx.bindings.length * 0.3), producer);
    const written = await writePoison(ctx, topic, count);
    ctx.log(`wrote ${written.positions.length} poison records to ${topic}: ${JSON.stringify(written.kinds)}`);
    const exit = await producer.exited;
    return {
      expectedDeadLetters: written.positions,
      measurements: { poisonRecords: written.positions.length, poisonKinds: Object.keys(written.kinds).length },
      failedChecks: producerExitCheck(exit, producer),
    };
  },
};
