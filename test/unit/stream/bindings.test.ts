import { describe, expect, it } from 'vitest';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { selectTopics } from '../../../src/pipeline/select.js';
import { pipelineStreaming } from '../../../src/app/streaming.js';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { pipelineBindings, type TopicBinding } from '../../../src/stream/index.js';
import randomuser from '../../../pipelines/randomuser.js';
import orders from '../../../pipelines/orders.js';

/** What the streaming side reads of a binding (the resolved sink also carries the connector options). */
const shape = (b: TopicBinding) => ({
  topic: b.topic,
  collection: b.collection,
  fields: b.schema.fields,
  envelopeFields: b.schema.envelopeFields,
  mongoValidator: b.schema.mongoValidator,
  sink: { write: b.sink.write, upsert: b.sink.upsert, ordered: b.sink.ordered, indexes: b.sink.indexes, validator: b.sink.validator },
  pipeline: b.pipeline,
  deadLetters: b.deadLetters,
});

describe('topic bindings from the pipeline', () => {
  it('pipelines/randomuser.ts binds its four topics as main did: one collection each, replace with upsert, ordered, validated', () => {
    const bindings = pipelineBindings(resolvePipeline(randomuser));
    expect(bindings.map((b) => [b.topic, b.collection, b.sink.write, b.sink.upsert, b.sink.ordered, b.sink.validator, b.pipeline, b.deadLetters])).toEqual(
      ['profile', 'location', 'contact', 'account'].map((t) => [`users.${t}`, `users_${t}`, 'replace', true, true, true, 'randomuser', 'dead_letters']),
    );
    expect(bindings.map(shape).every((b) => b.sink.indexes.at(-1)?.name === 'ingested_at')).toBe(true);
  });

  it('a pipeline of another shape: its Kafka topics, collections, write models and dead-letter collection', () => {
    const bindings = pipelineBindings(resolvePipeline(orders));
    expect(bindings.map((b) => [b.topic, b.collection, b.sink.write, b.pipeline, b.deadLetters])).toEqual([
      ['orders', 'orders', 'replace', 'orders', 'dead_letters'],
      ['orders.lines', 'order_lines', 'replace', 'orders', 'dead_letters'],
      ['orders.history', 'order_history', 'insert', 'orders', 'dead_letters'],
    ]);
    expect(Object.keys(bindings[1]!.schema.fields)).toContain('sku');
  });

  it('narrowed to --topics and renamed: the bindings read the Kafka names of the selected topics only', () => {
    const selected = selectTopics(resolvePipeline(orders), { subset: ['orders.history'], kafkaTopics: { 'orders.history': 'shop.history' } }, 'pipelines/orders.ts');
    expect(pipelineBindings(selected).map((b) => [b.topic, b.collection])).toEqual([['shop.history', 'order_history']]);
  });

  it('the pipeline\'s database wins over the configuration\'s; without one the configuration is kept as it is', () => {
    const config = testRuntimeConfig('unit-bindings', 'integration');
    const shop = pipelineStreaming(config, resolvePipeline(orders));
    expect(shop.config.mongo.database).toBe('shop');
    expect(shop.config.mongo.host).toBe(config.mongo.host);
    expect(pipelineStreaming(config, resolvePipeline(randomuser)).config).toBe(config);
  });
});
