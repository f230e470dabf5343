import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession, T, functions as F } from '@streamline/spark-connect';
import { createKafkaAdmin, ensureTopics, kafkaConnection } from '../../../src/kafka/index.js';
import { testServices, uniqueName } from '../../support/services.js';

/** The Spark Connect client against our Kafka broker: the Kafka sink in batch, the Kafka source in streaming. */
let spark: SparkSession;

beforeAll(async () => {
  spark = await SparkSession.builder().remote(testServices().sparkRemote).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
});

describe('Spark Connect with Kafka', () => {
  it('writes JSON to a topic in batch, then streams it back with from_json (availableNow)', async () => {
    const bootstrap = testServices().kafkaBootstrap;
    const topic = uniqueName('spark_kafka_it');
    const admin = createKafkaAdmin(kafkaConnection(bootstrap), 'streamline-test');
    try {
      await ensureTopics(admin, [topic], { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 });
    } finally {
      await admin.close();
    }

    await spark
      .range(5)
      .select(
        F.col('id').cast(T.string).alias('key'),
        F.to_json(F.named_struct({ id: F.col('id'), name: F.concat_ws('-', F.lit('user'), F.col('id').cast(T.string)) })).alias('value'),
      )
      .write.format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('topic', topic)
      .save();

    const name = uniqueName('kafka_to_memory');
    const schema = T.struct(T.field('id', T.long), T.field('name', T.string));
    const query = await spark.readStream
      .format('kafka')
      .options({ 'kafka.bootstrap.servers': bootstrap, subscribe: topic, startingOffsets: 'earliest' })
      .load()
      .select(F.from_json(F.col('value').cast(T.string), schema).alias('u'), 'topic', 'partition', 'offset')
      .select('u.*', 'topic', 'partition', 'offset')
      .writeStream.format('memory')
      .queryName(name)
      .trigger({ availableNow: true })
      .option('checkpointLocation', path.join(os.tmpdir(), 'streamline-spark-it', name))
      .start();
    expect(await query.awaitTermination(120_000)).toBe(true);
    expect(await query.exception()).toBeNull();

    const rows = await spark.sql(`SELECT id, name, topic FROM ${name} ORDER BY id`).collect();
    expect(rows).toEqual([0, 1, 2, 3, 4].map((id) => ({ id, name: `user-${id}`, topic })));
    const progress = await query.recentProgress();
    expect(progress.reduce((n, p) => n + p.numInputRows, 0)).toBe(5);
  });
});
