import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { definePipeline, file, integer, kafka, nullable, object, optional, randomUser, string } from '../../../src/pipeline/index.js';
import { assertValidPipeline, PipelineInvalidError, validatePipeline, type PipelineProblem } from '../../../src/pipeline/validate.js';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';
import randomuser from '../../../pipelines/randomuser.js';

const record = { id: string({ minLength: 1 }), n: integer(), note: optional(string()), maybe: nullable(string()), count: integer(), box: object({ s: string() }) };
const source = file({ path: 'x.ndjson', format: 'ndjson', record });

/**
 * A definition built from `overrides`, without the compiler's checks: what a plain JavaScript file (or a cast)
 * can hand the loader. The runtime rules are exactly what these tests are about.
 */
function loose(overrides: Record<string, unknown> = {}) {
  return definePipeline({ name: 'ok', source, key: 'id', topics: { things: { fields: { n: integer() } } }, ...overrides } as never);
}

const only = (problems: PipelineProblem[], severity: 'error' | 'warning') => problems.filter((p) => p.severity === severity);

describe('validatePipeline: the examples', () => {
  it('randomuser and devices have no problem at all', () => {
    expect(validatePipeline(randomuser)).toEqual([]);
    expect(validatePipeline(devices)).toEqual([]);
  });

  it('orders has no error, and one warning: its insert collection is once per Kafka record, not per source record', () => {
    const problems = validatePipeline(orders);
    expect(only(problems, 'error')).toEqual([]);
    expect(problems).toEqual([{ path: "sink.collections['orders.history'].write", message: expect.stringMatching(/^write 'insert' on "order_history" is exactly once per Kafka record, but a http-json source may send a record again/), hint: expect.any(String), severity: 'warning' }]);
  });

  it('a valid definition is one call away from a pass', () => {
    expect(validatePipeline(loose())).toEqual([]);
  });

  it('replace in unordered bulks is exactly once (the batch keeps each key\'s latest row): no problem', () => {
    expect(validatePipeline(loose({ sink: { collections: { things: { ordered: false } } } }))).toEqual([]);
  });
});

describe('validatePipeline: one bad definition per rule, with its key path', () => {
  const cases: { rule: string; def: ReturnType<typeof loose>; path: string; message: RegExp; severity?: 'error' | 'warning' }[] = [
    { rule: 'the pipeline name pattern', def: loose({ name: 'My Pipeline' }), path: 'name', message: /pipeline name "My Pipeline" is not lower-case letters, digits and dashes/ },
    { rule: 'a Kafka topic name Kafka refuses', def: loose({ topics: { 'bad topic!': { fields: { n: integer() } } } }), path: "topics['bad topic!']", message: /Kafka refuses the topic name "bad topic!"/ },
    { rule: 'a Kafka topic name too long', def: loose({ topics: { ['t'.repeat(250)]: { fields: { n: integer() } } } }), path: `topics['${'t'.repeat(250)}']`, message: /Kafka refuses the topic name/ },
    {
      rule: 'duplicate Kafka topics (. and _ collide)',
      def: loose({ topics: { 'a.b': { fields: { n: integer() } }, a_b: { fields: { n: integer() } } }, sink: { collections: { a_b: { collection: 'other' } } } }),
      path: "topics['a_b']",
      message: /Kafka topics "a.b" and "a_b" collide/,
    },
    { rule: 'a database name MongoDB refuses', def: loose({ sink: { database: 'my.db' } }), path: 'sink.database', message: /database name "my.db" contains a character MongoDB refuses/ },
    { rule: 'an empty collection name', def: loose({ sink: { collections: { things: { collection: '' } } } }), path: "sink.collections['things'].collection", message: /collection name "" is empty/ },
    { rule: 'a collection name with $', def: loose({ sink: { collections: { things: { collection: 'a$b' } } } }), path: "sink.collections['things'].collection", message: /contains '\$'/ },
    { rule: 'a system. collection', def: loose({ sink: { collections: { things: { collection: 'system.views' } } } }), path: "sink.collections['things'].collection", message: /starts with 'system\.'/ },
    { rule: 'a namespace over 255 bytes', def: loose({ sink: { collections: { things: { collection: 'c'.repeat(250) } } } }), path: "sink.collections['things'].collection", message: /longer than 255 bytes/ },
    { rule: 'a collection name with NUL', def: loose({ sink: { collections: { things: { collection: 'a\0b' } } } }), path: "sink.collections['things'].collection", message: /contains NUL/ },
    { rule: 'a bad dead-letter collection name', def: loose({ sink: { deadLetters: 'system.dead' } }), path: 'sink.deadLetters', message: /"system.dead" starts with 'system\.'/ },
    { rule: 'a topic writing to the dead letters', def: loose({ sink: { collections: { things: { collection: 'dead_letters' } } } }), path: "sink.collections['things'].collection", message: /the dead-letter collection/ },
    {
      rule: 'a collection used twice',
      def: loose({ topics: { one: { fields: { n: integer() } }, two: { fields: { count: integer() } } }, sink: { collections: { one: { collection: 'same' }, two: { collection: 'same' } } } }),
      path: "sink.collections['two'].collection",
      message: /topics "one" and "two" both write to "same"$/,
    },
    {
      rule: 'a collection shared by update topics with the same key (a warning)',
      def: loose({ topics: { one: { fields: { n: integer() } }, two: { fields: { count: integer() } } }, sink: { collections: { one: { collection: 'same', write: 'update' }, two: { collection: 'same', write: 'update' } } } }),
      path: "sink.collections['two'].collection",
      message: /both write to "same": their updates merge/,
      severity: 'warning',
    },
    { rule: 'a field clashing with the stored-document extras', def: loose({ topics: { things: { fields: { n: integer(), ingested_at: string() } } } }), path: "topics['things'].fields.ingested_at", message: /field "ingested_at" clashes with a key every stored document carries/ },
    {
      rule: 'explode without a key of its own',
      def: loose({ topics: { parts: { fields: { n: integer() }, explode: (r: { n: number }, make: (d: unknown) => unknown) => [make({ n: r.n }), make({ n: r.n + 1 })] } } }),
      path: "topics['parts'].key",
      message: /makes several records per source record \(explode\) but has no key of its own/,
    },
    { rule: 'upsert: false (a warning)', def: loose({ sink: { collections: { things: { upsert: false } } } }), path: "sink.collections['things'].upsert", message: /upsert: false on "things": records whose key has no document are dropped/, severity: 'warning' },
    { rule: 'insert with a source that cannot resume exactly (a warning)', def: loose({ sink: { collections: { things: { write: 'insert' } } } }), path: "sink.collections['things'].write", message: /exactly once per Kafka record, but a file source may send a record again/, severity: 'warning' },
    { rule: 'a pipeline key that is not a field', def: loose({ key: 'nope' }), path: 'key', message: /pipeline key "nope" is not a field in the source record/ },
    { rule: 'a pipeline key that is optional', def: loose({ key: 'note' }), path: 'key', message: /pipeline key "note" is optional or nullable/ },
    { rule: 'a pipeline key that is a number', def: loose({ key: 'n' }), path: 'key', message: /pipeline key "n" is an integer, not a string/ },
    { rule: 'a topic key not in its fields', def: loose({ topics: { things: { fields: { n: integer() }, key: 'id' } } }), path: "topics['things'].key", message: /key "id" of topic "things" is not a field in the topic's fields/ },
    {
      rule: 'a kafka() topic key that is not a required string',
      def: definePipeline({ name: 'fed', source: kafka(), topics: { events: { fields: { id: nullable(string()), n: integer() }, key: 'id' } } } as never),
      path: "topics['events'].key",
      message: /key "id" of topic "events" is optional or nullable/,
    },
    { rule: 'a PII rule on a non-string', def: loose({ pii: { n: 'id' } }), path: "pii['n']", message: /PII rule on "n", which is an integer, not a string/ },
    { rule: 'a PII rule on no field', def: loose({ pii: { 'box.nope': 'text' } }), path: "pii['box.nope']", message: /which is not a field of the source record/ },
    {
      rule: 'a PII rule on a non-string of the Random User record',
      def: definePipeline({ name: 'users', source: randomUser(), key: 'login.uuid', pii: { 'dob.age': 'id' }, topics: { 'u.contact': { fields: { email: string() } } } } as never),
      path: "pii['dob.age']",
      message: /PII rule on "dob.age", which is an integer/,
    },
    { rule: 'dropping a required field', def: loose({ drop: ['note', 'count'] }), path: 'drop[1]', message: /drop "count": a required field of the source record/ },
  ];

  it.each(cases)('$rule', ({ def, path, message, severity = 'error' }) => {
    const problems = validatePipeline(def);
    const matching = problems.filter((p) => p.path === path && message.test(p.message));
    expect(matching, JSON.stringify(problems, null, 2)).toHaveLength(1);
    expect(matching[0]).toMatchObject({ severity, hint: expect.any(String) });
    if (severity === 'warning') expect(only(problems, 'error')).toEqual([]);
  });

  it('composite keys may use integers; a randomuser pipeline key is read from the Random User record', () => {
    const composite = loose({ topics: { parts: { fields: { n: integer(), s: string() }, key: ['s', 'n'], explode: () => [] } } });
    expect(validatePipeline(composite)).toEqual([]);
    const user = definePipeline({ name: 'users', source: randomUser(), key: 'login.uuid', topics: { 'u.contact': { fields: { email: string() } } } });
    expect(validatePipeline(user)).toEqual([]);
  });
});

describe('assertValidPipeline', () => {
  it('throws PipelineInvalidError listing every error with its path, exit code 2', () => {
    const def = loose({ name: 'Bad', sink: { database: 'a/b', collections: { things: { upsert: false } } } });
    let thrown: unknown;
    try {
      assertValidPipeline(def, 'pipelines/bad.ts');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PipelineInvalidError);
    const error = thrown as PipelineInvalidError;
    expect(error.code).toBe('PIPELINE_INVALID');
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.file).toBe('pipelines/bad.ts');
    expect(error.message).toMatch(/^pipeline pipelines\/bad.ts is invalid \(2 errors\):\n {2}name: pipeline name "Bad"/);
    expect(error.message).toMatch(/\n {2}sink\.database: database name "a\/b"/);
    expect(error.message).not.toMatch(/upsert/);
    expect(error.hint).toMatch(/pipelines\/bad.ts/);
    expect(error.problems.map((p) => p.path)).toEqual(['name', 'sink.database', "sink.collections['things'].upsert"]);
  });

  it('returns the warnings of a definition without errors', () => {
    expect(assertValidPipeline(randomuser, 'pipelines/randomuser.ts')).toEqual([]);
    expect(assertValidPipeline(orders, 'pipelines/orders.ts').map((p) => p.path)).toEqual(["sink.collections['orders.history'].write"]);
  });
});
