import type { KafkaSasl } from '../config/index.js';
import { buildEnvelope, isTopicName, resolveTopics, type NormalizedUser, type PiiPolicy, type TopicName } from '../model/index.js';
import { fetchUsers } from '../source/index.js';
import { createKafkaAdmin, ensureTopics, kafkaConnection, type EnsureTopicsReport, type TopicSettings } from '../kafka/index.js';
import { createKafkaProducer } from './kafka-producer.js';
import { jsonMessage, createRouter, type TopicRoute } from './message.js';
import type { ProduceRunOptions } from './options.js';
import type { ProduceSummary } from './progress.js';
import { runProducer } from './run.js';

/** Everything `streamline produce`, the demo and the Airflow DAG need to publish users. */
export interface ProduceUsersOptions extends ProduceRunOptions {
  bootstrapServers: string;
  /** SASL/SCRAM credentials for the admin and the producer (config kafka.sasl). */
  sasl?: KafkaSasl;
  apiUrl: string;
  /** Canonical topics (each has a projection): users.profile, users.location, users.contact, users.account. */
  topics: readonly string[];
  /**
   * The Kafka topic a canonical topic is published to, when it is not the canonical name (unique names
   * in tests, per-environment names). The projection still follows the canonical topic; the summary
   * and progress are keyed by the Kafka names.
   */
  topicNames?: Partial<Record<TopicName, string>>;
  topicSettings: TopicSettings;
  pii?: PiiPolicy;
  nat?: string;
  onTopics?: (report: EnsureTopicsReport) => void;
  /** How long Kafka may stay away before the records it holds are given up on (ms). Default 120000. */
  deliveryTimeoutMs?: number;
  /** The most records held unacknowledged (fetching waits above it). Default 10000. */
  maxPendingRecords?: number;
  /** Produce requests in flight at once (one idempotent producer each). Default 2. */
  inFlightRequests?: number;
  /** The most bytes of one API response read (config api.maxResponseBytes). Default 16 MiB. */
  maxResponseBytes?: number;
  /** The duplicate window (config produce.dedupeWindowUsers / dedupeWindowMs). */
  dedupeWindowUsers?: number;
  dedupeWindowMs?: number;
}

/** Where a record came from, in the envelope: the API's host, so local and real runs are told apart. */
const sourceName = (apiUrl: string): string => {
  try {
    return `randomuser:${new URL(apiUrl).host}`;
  } catch {
    return 'randomuser';
  }
};

/** The Kafka topic of each canonical topic, in order; an unknown canonical name throws, duplicates are kept (and refused later). */
function kafkaTopicNames(topics: readonly string[], topicNames: Partial<Record<TopicName, string>> = {}): string[] {
  resolveTopics(topics);
  return topics.map((topic) => (isTopicName(topic) ? topicNames[topic] : undefined) ?? topic);
}

export function userRoutes(
  topics: readonly string[],
  apiUrl: string,
  fetchedAt: WeakMap<NormalizedUser, string>,
  topicNames: Partial<Record<TopicName, string>> = {},
): TopicRoute<NormalizedUser>[] {
  const source = sourceName(apiUrl);
  return resolveTopics([...topics]).map((topic) => ({
    topic: topicNames[topic] ?? topic,
    toMessage: (user: NormalizedUser) =>
      jsonMessage(
        topicNames[topic] ?? topic,
        user.login.uuid,
        buildEnvelope(topic, user, { source, fetchedAt: fetchedAt.get(user) ?? new Date().toISOString(), producedAt: new Date().toISOString() }),
      ),
  }));
}

/**
 * Creates the topics if missing, then fetches users page by page and publishes one record per topic
 * per user, keyed by user id, until count, duration or abort; returns once every record is acknowledged
 * or reported failed.
 */
export async function produceUsers(options: ProduceUsersOptions): Promise<ProduceSummary> {
  const topics = kafkaTopicNames(options.topics, options.topicNames);
  const admin = createKafkaAdmin(kafkaConnection(options.bootstrapServers, options.sasl), 'streamline-admin');
  try {
    const report = await ensureTopics(admin, topics, options.topicSettings, { warn: options.onWarning });
    options.onTopics?.(report);
  } finally {
    await admin.close().catch(() => undefined);
  }

  const fetchedAt = new WeakMap<NormalizedUser, string>();
  let surplus = 0;
  const toMessages = createRouter(userRoutes(options.topics, options.apiUrl, fetchedAt, options.topicNames), topics);
  const producer = createKafkaProducer({ bootstrapServers: options.bootstrapServers, sasl: options.sasl, deliveryTimeoutMs: options.deliveryTimeoutMs, inFlightRequests: options.inFlightRequests });
  try {
    return await runProducer(
      // The run options pass through as they are; the Kafka topic names replace the canonical ones.
      { ...options, topics, batchSize: options.batchSize ?? Math.min(500, options.count ?? 500) },
      {
        fetchBatch: async (count, { seed, page, signal }) => {
          const result = await fetchUsers({ apiUrl: options.apiUrl, results: count, seed, page, signal, pii: options.pii, nat: options.nat, maxResponseBytes: options.maxResponseBytes });
          for (const user of result.users) fetchedAt.set(user, result.fetchedAt);
          if (result.surplus > 0) {
            surplus += result.surplus;
            options.onWarning?.(`${result.url} answered ${count + result.surplus} results for ${count} asked: dropped ${result.surplus} (${surplus} dropped in this run)`);
          }
          for (const bad of result.invalid) options.onWarning?.(`invalid record from ${result.url} (#${bad.index}): ${bad.reason}`);
          return { users: result.users, invalid: result.invalid.length };
        },
        userId: (user) => user.login.uuid,
        toMessages,
        send: (message) => producer.send(message),
        flush: () => producer.flush(),
        kafkaHealth: () => producer.health(),
      },
    );
  } finally {
    await producer.close();
  }
}
