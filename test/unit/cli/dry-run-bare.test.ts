// Bare Kafka values (a kafka() source fed by others) on paper, as the streaming queries treat them: the record
// checked alone, its key read from its own fields (joined with `/` when composite), Kafka's time as produced_at.
import { describe, expect, it } from 'vitest';
import { dryRunMessages } from '../../../src/cli/dry-run.js';
import { definePipeline, integer, kafka, string, timestamp } from '../../../src/pipeline/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';

const now = new Date('2026-12-05T00:00:00.000Z');
const pipeline = (values: 'bare' | 'envelope') =>
  resolvePipeline(
    definePipeline({
      name: 'meters',
      source: kafka({ values }),
      topics: { 'meters.readings': { fields: { site: string({ minLength: 1 }), meter: integer(), at: timestamp(), kwh: integer({ minimum: 0 }) }, key: ['site', 'meter'] } },
    }),
  ).topics[0]!;

describe('dryRunMessages of bare values', () => {
  const topic = pipeline('bare');
  const run = (value: string) => dryRunMessages(topic, [{ value }], now, { bare: true })[0]!;

  it('a record becomes a document keyed by its key fields, with the envelope the query makes of it', () => {
    const message = run('{"site":"north","meter":7,"at":"2026-12-01T10:00:00.000Z","kwh":12}');
    expect(message.deadLetter).toBeUndefined();
    expect(message.document).toMatchObject({ _id: 'north/7', site: 'north', meter: 7, kwh: 12, source: 'kafka:meters.readings', produced_at: now.toISOString(), schema_version: 1 });
  });

  it('a record breaking its schema, one missing a key field and a value that is no JSON object are dead letters naming why', () => {
    expect(run('{"site":"north","meter":7,"at":"2026-12-01T10:00:00.000Z","kwh":-1}').deadLetter).toMatch(/kwh/);
    expect(run('{"meter":7,"at":"2026-12-01T10:00:00.000Z","kwh":1}').deadLetter).toMatch(/site/);
    expect(run('[1,2]').deadLetter).toBe('value is not a JSON object');
  });

  it("values: 'envelope' reads streamline envelopes: a bare record there is a dead letter", () => {
    const [message] = dryRunMessages(pipeline('envelope'), [{ key: 'north/7', value: '{"site":"north","meter":7,"at":"2026-12-01T10:00:00.000Z","kwh":12}' }], now);
    expect(message!.deadLetter).toMatch(/missing or invalid field/);
  });
});
