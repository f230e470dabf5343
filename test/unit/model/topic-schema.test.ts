import { readFileSync } from 'node:fs';
import { functions as F } from '@streamline/spark-connect';
import { describe, expect, it } from 'vitest';
import { deriveTopicSchema, envelopeFields, integer, object, optional, string } from '../../../src/model/index.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinTopic } from '../../../harness/builtin-pipeline.js';
import { sparkSchema } from '../../../src/stream/spark-schema.js';
import { messageChecks } from '../../../src/stream/validation.js';

/** The derivations of the four Random User topics as main computed them before #23 (frozen once, never regenerated). */
const FROZEN = JSON.parse(readFileSync(new URL('../../fixtures/randomuser-derivations.json', import.meta.url), 'utf8')) as Record<
  string,
  { fields: unknown; dataJsonSchema: unknown; envelopeJsonSchema: unknown; mongoValidator: unknown; sparkDdl: string; checkReasons: string[] }
>;
const cols = { json: F.col('json'), key: F.col('key'), msg: F.col('msg') };

/** The schema without its `description`s: #23 rewords the envelope's and the stored document's (record, not user); nothing else may move. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'description').map(([key, inner]) => [key, withoutDescriptions(inner)]));
}

describe('deriveTopicSchema: the Random User topics computed generically', () => {
  it.each(TOPIC_NAMES)('%s: the same fields, schemas, validator, Spark DDL and check reasons as before #23', (topic) => {
    const frozen = FROZEN[topic]!;
    const { schema } = builtinTopic(topic);
    expect(JSON.parse(JSON.stringify(schema.fields))).toEqual(frozen.fields);
    expect(schema.dataJsonSchema).toEqual(frozen.dataJsonSchema);
    expect(withoutDescriptions(schema.mongoValidator)).toEqual(withoutDescriptions(frozen.mongoValidator));
    expect(withoutDescriptions(schema.envelopeJsonSchema)).toEqual(withoutDescriptions(frozen.envelopeJsonSchema));
    expect(sparkSchema(schema.envelopeFields).toDDL()).toBe(frozen.sparkDdl);
    expect(messageChecks(schema.envelopeFields, cols).map((c) => c.reason)).toEqual(frozen.checkReasons);
    // The id is checked like the pipeline's key field, Random User's login.uuid.
    expect(envelopeFields(schema.fields, string({ format: 'uuid' }))).toEqual(schema.envelopeFields);
  });
});

describe('envelopeFields: the id takes the key field descriptor', () => {
  it('a patterned key keeps its pattern, length and enum; never nullable or optional', () => {
    const key = optional(string({ pattern: '^o-\\d+$', minLength: 3, description: 'order id' }));
    const { id } = envelopeFields({ n: integer() }, key);
    expect(id).toMatchObject({ kind: 'string', pattern: '^o-\\d+$', minLength: 3, nullable: false, optional: false });
    expect(id.description).toMatch(/record key/);
  });

  it('deriveTopicSchema without a key field accepts any non-empty key, and validates it', () => {
    const schema = deriveTopicSchema('t.x', { n: integer(), o: object({ s: string() }) });
    const value = { schema_version: 1, source: 's', fetched_at: '2026-01-01T00:00:00Z', produced_at: '2026-01-01T00:00:00Z', id: 'a/1', data: { n: 1, o: { s: '' } } };
    expect(schema.envelope.safeParse(value).success).toBe(true);
    expect(schema.envelope.safeParse({ ...value, id: '' }).success).toBe(false);
    expect(messageChecks(schema.envelopeFields, cols).map((c) => c.reason)).not.toContain('not a UUID: id');
    expect(messageChecks(schema.envelopeFields, cols).map((c) => c.reason)).toContain('too short: id');
  });

  it('a UUID key field makes the envelope refuse a non-UUID id', () => {
    const schema = deriveTopicSchema('t.u', { n: integer() }, { keyField: string({ format: 'uuid' }) });
    const value = { schema_version: 1, source: 's', fetched_at: '2026-01-01T00:00:00Z', produced_at: '2026-01-01T00:00:00Z', id: 'nope', data: { n: 1 } };
    expect(schema.envelope.safeParse(value).success).toBe(false);
    expect(schema.envelope.safeParse({ ...value, id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11' }).success).toBe(true);
  });
});
