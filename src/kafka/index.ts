// The one place that builds Kafka clients (admin, producer, SASL, bootstrap list) and talks Kafka
// metadata, offsets and partitions; everything else reaches Kafka through here.
export { configuredKafkaAdmin, createKafkaAdmin, withKafkaAdmin, type KafkaAdmin } from './admin.js';
export { bootstrapList, configuredConnection, kafkaConnection } from './connection.js';
export { asError, describeKafkaError, isKafkaAuthFailure, isKafkaUnreachable, isWorthResending, producedBeforeFailure } from './errors.js';
export { endOffsets, recordsInLog, type EndOffsets } from './offsets.js';
export { partitionForKey } from './partitioner.js';
export { createRawRecordReader, createRecordReader, createRecordWriter, type RawRecord, type StringRecord } from './records.js';
export { createProduceClient, type ClientRecord, type Compression, type ProduceClient, type TopicWithPartitionAndOffset } from './producer.js';
export { checkBrokers, describeCluster, ensureTopics, type EnsureTopicsReport, type KafkaClusterView, type TopicAdmin, type TopicSettings } from './topics.js';
