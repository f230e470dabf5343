import type { OutgoingMessage } from '../src/produce/index.js';
import { runRecords } from '../src/produce/records.js';
import { sourceRuntime } from '../src/source/source-runtime.js';
import { startApiServer } from '../src/source/index.js';
import { BUILTIN, builtinSelection } from '../harness/builtin-pipeline.js';

/**
 * The messages our producer publishes for `count` seeded records of the built-in pipeline (one per topic
 * each), built by the product's own code (runRecords, its Kafka side replaced by a list) from our local API:
 * what both producers in `produce` send, byte for byte.
 */
export async function pipelineMessages(count: number, seed: string): Promise<OutgoingMessage[]> {
  const server = await startApiServer({ host: '127.0.0.1', port: 0 });
  try {
    const pageSize = 1000;
    const declared = BUILTIN.pipeline.source;
    if (declared.kind === 'kafka') throw new Error('the built-in pipeline reads a source of its own');
    const source = sourceRuntime(declared, { baseDir: '.', defaultUrl: server.url, seed, pageSize });
    const messages: OutgoingMessage[] = [];
    const summary = await runRecords(
      { pipeline: builtinSelection(), source, seed, count, batchSize: pageSize, dedupe: true },
      {
        send: async (message) => {
          messages.push(message);
          return { ok: true, topic: message.topic, key: message.key, partition: 0, offset: BigInt(messages.length) };
        },
        flush: async () => undefined,
      },
    );
    if (summary.invalid) throw new Error(`local API served ${summary.invalid} invalid record(s)`);
    return messages;
  } finally {
    await server.close();
  }
}

/** Mean value size in bytes (UTF-8), for the report. */
export const meanValueBytes = (messages: readonly OutgoingMessage[]): number =>
  messages.length === 0 ? 0 : messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0) / messages.length;
