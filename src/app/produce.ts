import { kafkaBootstrap, kafkaSasl, type StreamlineConfig } from '../config/index.js';
import { isTopicName, type PiiPolicy, type TopicName } from '../model/index.js';
import type { EnsureTopicsReport, TopicSettings } from '../kafka/index.js';
import { produceUsers, type ProduceRunOptions, type ProduceSummary } from '../produce/index.js';
import { startRunApi } from './api.js';
import { usingService } from './services.js';

export interface ProduceOptions extends ProduceRunOptions {
  /** Canonical topics published under other Kafka topic names. */
  topicNames?: Partial<Record<TopicName, string>>;
  pii?: PiiPolicy;
  nat?: string;
  /** Where the run gets its users and sends them, once the local API (if any) is up. */
  onStart?: (run: { apiUrl: string; localApi: boolean; bootstrap: string; kafkaTopics: string[] }) => void;
  onTopics?: (report: EnsureTopicsReport) => void;
}

export const topicSettings = (config: StreamlineConfig): TopicSettings => {
  const { partitions, replicationFactor, minInsyncReplicas } = config.kafka;
  return { partitions, replicationFactor, minInsyncReplicas };
};

/**
 * `streamline produce`: users from the configured API (our local one, started for the run, when none is
 * configured) to the configured topics on Kafka, until count, duration or abort.
 */
export async function produce(config: StreamlineConfig, options: ProduceOptions = {}): Promise<ProduceSummary> {
  const localApi = config.api.url === undefined ? await startRunApi(config) : undefined;
  const apiUrl = localApi?.url ?? (config.api.url as string);
  const bootstrap = kafkaBootstrap(config);
  const kafkaTopics = config.topics.map((topic) => (isTopicName(topic) ? options.topicNames?.[topic] : undefined) ?? topic);
  options.onStart?.({ apiUrl, localApi: localApi !== undefined, bootstrap, kafkaTopics });
  try {
    return await usingService(config, 'kafka', () =>
      produceUsers({
        ...config.produce,
        ...options,
        // A rate given by the caller wins; otherwise the configured one (config, env STREAMLINE_PRODUCE_RATE).
        rate: options.rate ?? config.produce.rate,
        bootstrapServers: bootstrap,
        sasl: kafkaSasl(config),
        apiUrl,
        maxResponseBytes: config.api.maxResponseBytes,
        topics: config.topics,
        topicSettings: topicSettings(config),
      }),
    );
  } finally {
    await localApi?.close();
  }
}
