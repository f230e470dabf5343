import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { PipelineUnknownTopicError, selectTopics } from '../../../src/pipeline/select.js';
import { PipelineInvalidError } from '../../../src/pipeline/validate.js';
import orders from '../../../pipelines/orders.js';

const pipeline = resolvePipeline(orders);
const FILE = 'pipelines/orders.ts';

describe('selectTopics: a subset of the pipeline, some topics under other Kafka names', () => {
  it('no selection: every topic, unchanged', () => {
    expect(selectTopics(pipeline, {}, FILE)).toEqual(pipeline);
  });

  it('a subset keeps the definition order; a rename changes the Kafka topic and the digest, not the topic', () => {
    const selected = selectTopics(pipeline, { subset: ['orders.history', 'orders'], kafkaTopics: { orders: 'shop.orders.v2' } }, FILE);
    expect(selected.topics.map((t) => [t.topic, t.kafkaTopic, t.sink.collection])).toEqual([
      ['orders', 'shop.orders.v2', 'orders'],
      ['orders.history', 'orders.history', 'order_history'],
    ]);
    expect(selected.digest).not.toBe(pipeline.digest);
    expect(selectTopics(pipeline, { subset: ['orders'] }, FILE).digest).not.toBe(selected.digest);
  });

  it('unknown topics fail, every one named, with the topics the pipeline has', () => {
    const attempt = () => selectTopics(pipeline, { subset: ['orders', 'users.profile'], kafkaTopics: { nope: 'x' } }, FILE);
    expect(attempt).toThrow(PipelineUnknownTopicError);
    expect(attempt).toThrow('unknown topic "users.profile", "nope"; pipeline orders (pipelines/orders.ts) has orders, orders.lines, orders.history');
    try {
      attempt();
    } catch (error) {
      expect((error as PipelineUnknownTopicError).code).toBe('PIPELINE_UNKNOWN_TOPIC');
      expect((error as PipelineUnknownTopicError).exitCode).toBe(ExitCode.usage);
    }
  });

  it('renames Kafka refuses, or that make two topics one, fail with the key path', () => {
    expect(() => selectTopics(pipeline, { kafkaTopics: { orders: 'orders.history' } }, FILE)).toThrow(/topics\['orders.history'\]: topics "orders" and "orders.history" are both Kafka topic "orders.history"/);
    expect(() => selectTopics(pipeline, { kafkaTopics: { orders: 'orders_lines' } }, FILE)).toThrow(/Kafka topics "orders_lines" and "orders.lines" collide/);
    expect(() => selectTopics(pipeline, { kafkaTopics: { orders: 'no spaces' } }, FILE)).toThrow(PipelineInvalidError);
    expect(() => selectTopics(pipeline, { kafkaTopics: { orders: 'no spaces' } }, FILE)).toThrow(/topics\['orders'\]: Kafka refuses the topic name "no spaces" \(topic "orders"\)/);
    // A rename that only collides with a topic left out of the subset is fine.
    expect(selectTopics(pipeline, { subset: ['orders'], kafkaTopics: { orders: 'orders.history' } }, FILE).topics.map((t) => t.kafkaTopic)).toEqual(['orders.history']);
  });
});
