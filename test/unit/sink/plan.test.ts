import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_INDEXES } from '../../../src/model/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { pipelinePlan } from '../../../src/sink/setup.js';
import orders from '../../../pipelines/orders.js';

const topics = resolvePipeline(orders).topics.map((t) => ({ sink: t.sink, validator: t.schema.mongoValidator }));

describe('pipelinePlan: the collections of a pipeline, from its sink spec', () => {
  it('one collection per topic with the declared indexes plus ingested_at, its validator, and the dead letters last', () => {
    const plan = pipelinePlan(topics, 'dead_letters');
    expect(plan.map((p) => p.name)).toEqual(['orders', 'order_lines', 'order_history', 'dead_letters']);
    expect(plan[0]!.indexes).toEqual([
      { name: 'customer.id_1_placed_at_-1', key: { 'customer.id': 1, placed_at: -1 } },
      { name: 'status_1', key: { status: 1 } },
      { name: 'ingested_at', key: { ingested_at: -1 } },
    ]);
    expect(plan[0]!.validator).toEqual(topics[0]!.validator);
    expect(plan[3]!.indexes).toEqual([...DEAD_LETTER_INDEXES]);
  });

  it('a collection whose spec turns the validator off gets none; the dead letters take the pipeline\'s name', () => {
    const plan = pipelinePlan([{ ...topics[0]!, sink: { ...topics[0]!.sink, validator: false } }], 'rejected');
    expect(plan[0]).not.toHaveProperty('validator');
    expect(plan.map((p) => p.name)).toEqual(['orders', 'rejected']);
  });
});
