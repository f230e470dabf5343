// The one place that builds Kafka clients (admin, producer, SASL, bootstrap list) and talks Kafka
// metadata, offsets and partitions; everything else reaches Kafka through here.
export { configuredKafkaAdmin, createKafkaAdmin, withKafkaAdmin, type AdminOptions, type KafkaAdmin } from './admin.js';
export { bootstrapList, configuredConnection, kafkaConnection, type KafkaConnection } from './connection.js';
export { asError, describeKafkaError, isKafkaAuthFailure, isKafkaUnreachable, isWorthResending, producedBeforeFailure } from './errors.js';
export { endOffsets, recordsInLog, type EndOffsets } from './offsets.js';
export { partitionForKey } from './partitioner.js';
export { createProduceClient, type ClientRecord, type ClusterMetadata, type Compression, type ProduceClient, type ProduceResult, type TopicWithPartitionAndOffset } from './producer.js';
export {
  checkBrokers,
  describeCluster,
  ensureTopics,
  waitForLeaders,
  type EnsureTopicsOptions,
  type EnsureTopicsReport,
  type KafkaClusterView,
  type TopicAdmin,
  type TopicIsr,
  type TopicSettings,
} from './topics.js';
