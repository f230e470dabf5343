import { kafkaBootstrap, type StreamlineConfig } from '../config/index.js';
import { configuredKafkaAdmin, describeKafkaError, ensureTopics } from '../kafka/index.js';
import { withTimeout } from '../core/clock.js';
import { ServiceUnavailableError } from '../core/errors.js';

export interface TopicCheckOptions {
  /** Create the missing topics (with the configured partitions and replication) instead of failing. */
  create: boolean;
  /** Give up on an unreachable broker after this long (ms). */
  timeoutMs: number;
}

export interface TopicCheckReport {
  bootstrap: string;
  existing: string[];
  created: string[];
  missing: string[];
}

/** Topics of `wanted` that are not in `present`, in the order asked for. */
export const missingTopics = (wanted: readonly string[], present: ReadonlySet<string>): string[] => wanted.filter((t) => !present.has(t));

/**
 * Is Kafka reachable and do the topics exist? A scheduler's first step: it fails fast, naming the
 * broker and what to do, instead of letting a producer wait on a broker that is not there.
 */
export async function checkTopics(config: StreamlineConfig, topics: readonly string[], options: TopicCheckOptions): Promise<TopicCheckReport> {
  const bootstrap = kafkaBootstrap(config);
  const unreachable = (reason: string) =>
    new ServiceUnavailableError('kafka', bootstrap, `Kafka at ${bootstrap} is not reachable: ${reason}`, {
      hint: 'start it (`streamline up`) or point at a running broker (--kafka host:port, env STREAMLINE_KAFKA_BOOTSTRAP_SERVERS)',
    });
  const admin = configuredKafkaAdmin(config, 'streamline-topics');
  try {
    const present = await withTimeout(
      admin.listTopics().catch((error: unknown) => Promise.reject(unreachable(describeKafkaError(error)))),
      options.timeoutMs,
      () => unreachable(`no answer within ${options.timeoutMs} ms`),
    );
    const missing = missingTopics(topics, new Set(present));
    if (!options.create || missing.length === 0) {
      return { bootstrap, existing: topics.filter((t) => !missing.includes(t)), created: [], missing };
    }
    const settings = { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor, minInsyncReplicas: config.kafka.minInsyncReplicas };
    const report = await ensureTopics(admin, topics, settings, { readyTimeoutMs: options.timeoutMs });
    return { bootstrap, existing: report.existing, created: report.created, missing: [] };
  } finally {
    await admin.close().catch(() => undefined);
  }
}
