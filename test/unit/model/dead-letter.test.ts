import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_FIELDS, DEAD_LETTER_INDEXES, deadLetterValidator, fieldsToZod, type DeadLetter } from '../../../src/model/index.js';
import { pipelinePlan } from '../../../src/sink/setup.js';
import { deadLetterColumns, recordRoutes } from '../../../src/stream/index.js';
import { deadLetterView } from '../../../src/dashboard/views.js';
import { builtinBindings } from '../../../harness/builtin-pipeline.js';

const letter: DeadLetter = {
  _id: 'users.profile/2/41',
  topic: 'users.profile',
  partition: 2,
  offset: 41,
  kafka_timestamp: new Date('2026-12-04T20:00:00.000Z'),
  key: 'not-a-uuid',
  value: '{"id":"not-a-uuid"}',
  value_base64: null,
  value_bytes: 19,
  reason: 'not a UUID: id',
  failed_at: new Date('2026-12-04T20:00:01.000Z'),
};

describe('the dead-letter model', () => {
  it('the Spark job writes exactly the model\'s fields, in its order', () => {
    const aliases = deadLetterColumns().map((c) => (c.expr.exprType.case === 'alias' ? c.expr.exprType.value.name.join('.') : undefined));
    expect(aliases).toEqual(Object.keys(DEAD_LETTER_FIELDS));
    const routes = recordRoutes(builtinBindings(['users.profile']), { uri: 'mongodb://127.0.0.1:1', database: 'db', maxBatchSize: 1 });
    expect(routes.find((r) => r.name === 'dead_letters')!.select).toHaveLength(Object.keys(DEAD_LETTER_FIELDS).length);
  });

  it('the store validates it: Spark timestamps as dates, coordinates as integers, nothing else, the value fields possibly absent', () => {
    const schema = deadLetterValidator().$jsonSchema as { required: string[]; additionalProperties: boolean; properties: Record<string, { bsonType: unknown }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['_id', 'topic', 'partition', 'offset', 'kafka_timestamp', 'reason', 'failed_at']);
    expect(schema.properties.failed_at!.bsonType).toBe('date');
    expect(schema.properties.offset!.bsonType).toEqual(['int', 'long']);
    expect(schema.properties.value!.bsonType).toEqual(['string', 'null']);
    const plan = pipelinePlan([]).find((p) => p.name === 'dead_letters')!;
    expect(plan.validator).toEqual(deadLetterValidator());
    expect(plan.indexes).toEqual(DEAD_LETTER_INDEXES);
    for (const index of DEAD_LETTER_INDEXES) for (const key of Object.keys(index.key)) expect(DEAD_LETTER_FIELDS).toHaveProperty(key);
  });

  it('its zod schema accepts a dead letter and refuses one without a reason or with an ISO string for a date', () => {
    const schema = fieldsToZod(DEAD_LETTER_FIELDS);
    expect(schema.parse(letter)).toEqual(letter);
    expect(schema.safeParse({ ...letter, reason: '' }).success).toBe(false);
    expect(schema.safeParse({ ...letter, failed_at: '2026-12-04T20:00:01.000Z' }).success).toBe(false);
    const { value: _value, value_base64: _base64, key: _key, value_bytes: _bytes, ...withoutValue } = letter;
    expect(schema.safeParse(withoutValue).success).toBe(true);
  });

  it('the dashboard shows the text value, else the base64 bytes; a document from before a field existed still shows', () => {
    expect(deadLetterView(letter)).toEqual({ id: 'users.profile/2/41', topic: 'users.profile', reason: 'not a UUID: id', failedAt: '2026-12-04T20:00:01.000Z', preview: '{"id":"not-a-uuid"}' });
    expect(deadLetterView({ ...letter, value: null, value_base64: '/w==' }).preview).toBe('(base64) /w==');
    expect(deadLetterView({ _id: 'users.account/0/1' })).toEqual({ id: 'users.account/0/1', topic: undefined, reason: undefined, failedAt: undefined, preview: undefined });
  });
});
