/**
 * Compile-time guarantees of the pipeline API, checked by `tsc --noEmit` (part of `npm test`): every
 * `@ts-expect-error` below must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
 * Each case is one `definePipeline` call with exactly one mistake; the valid baseline is first. Nothing
 * here runs (the calls are inside a function that is never called).
 */
import { z } from 'zod';
import { definePipeline, file, httpJson, integer, kafka, nullable, object, optional, randomUser, string, timestamp } from './index.js';

const record = {
  id: string({ minLength: 1 }),
  n: integer(),
  nick: optional(string()),
  maybe: nullable(string()),
  nested: object({ code: string(), note: optional(string()) }),
  at: timestamp(),
};
const source = file({ path: 'x.ndjson', format: 'ndjson', record });

export function typeChecks(): void {
  // The baseline: every feature used correctly.
  definePipeline({
    name: 'ok',
    source,
    key: 'id',
    pii: { nick: 'text', 'nested.code': { kind: 'id', policy: 'hash' } },
    drop: ['nick', 'maybe', 'nested.note'],
    topics: {
      a: { fields: { code: string(), n: integer() }, project: (r, make) => make({ code: r.nested.code, n: r.n }) },
      b: { fields: { id: string(), at: timestamp() } }, // a pick of the record's fields
      c: { fields: { id: string(), i: integer() }, key: ['id', 'i'], explode: (r, make) => [0, 1].map((i) => make({ id: r.id, i })) },
    },
    sink: { collections: { a: { write: 'update', indexes: [{ key: { code: 1, 'kafka.offset': -1 } }] }, c: { write: 'insert', ordered: false } } },
    tests: [{ name: 't', input: [{}], expect: { a: [{ _id: 'x', code: 'c', n: 1 }] } }],
  });

  // ---- projections ----
  definePipeline({
    name: 'extra-field',
    source,
    key: 'id',
    // @ts-expect-error a projection returns a field the schema lacks
    topics: { a: { fields: { code: string() }, project: (r, make) => make({ code: r.id, extra: 1 }) } },
  });
  definePipeline({
    name: 'extra-nested-field',
    source,
    key: 'id',
    // @ts-expect-error a nested field the schema lacks
    topics: { a: { fields: { o: object({ p: string() }) }, project: (r, make) => make({ o: { p: r.id, q: 2 } }) } },
  });
  definePipeline({
    name: 'missing-field',
    source,
    key: 'id',
    // @ts-expect-error a projection misses a required field
    topics: { a: { fields: { code: string(), n: integer() }, project: (r, make) => make({ code: r.id }) } },
  });
  definePipeline({
    name: 'wrong-type',
    source,
    key: 'id',
    // @ts-expect-error a field of the wrong type (number where the schema says string)
    topics: { a: { fields: { code: string() }, project: (r, make) => make({ code: r.n }) } },
  });
  definePipeline({
    name: 'nullable-into-required',
    source,
    key: 'id',
    // @ts-expect-error a nullable source field into a required, non-null one
    topics: { a: { fields: { code: string() }, project: (r, make) => make({ code: r.maybe }) } },
  });
  definePipeline({
    name: 'enum',
    source,
    key: 'id',
    // @ts-expect-error a value outside the field's enum
    topics: { a: { fields: { g: string({ enum: ['x', 'y'] }) }, project: (_r, make) => make({ g: 'z' }) } },
  });
  definePipeline({
    name: 'not-made',
    source,
    key: 'id',
    // @ts-expect-error returning a plain object instead of make(...): it would skip validation
    topics: { a: { fields: { code: string() }, project: (r) => ({ code: r.id }) } },
  });
  definePipeline({
    name: 'pick-missing',
    source,
    key: 'id',
    // @ts-expect-error no projection, but the record has no field `zip`: the topic cannot be a pick
    topics: { a: { fields: { id: string(), zip: string() } } },
  });
  definePipeline({
    name: 'pick-wrong-type',
    source,
    key: 'id',
    // @ts-expect-error no projection, but the record's `n` is an integer, not a string
    topics: { a: { fields: { n: string() } } },
  });

  // ---- keys ----
  // @ts-expect-error the key is not a field of the record
  definePipeline({ name: 'k1', source, key: 'uuid', topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error the key is optional
  definePipeline({ name: 'k2', source, key: 'nick', topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error the key is nullable
  definePipeline({ name: 'k3', source, key: 'maybe', topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error the key is a number
  definePipeline({ name: 'k4', source, key: 'n', topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error the key is an object
  definePipeline({ name: 'k5', source, key: 'nested', topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error the key is an optional nested field
  definePipeline({ name: 'k6', source, key: 'nested.note', topics: { a: { fields: { id: string() } } } });
  definePipeline({ name: 'k7', source, key: 'nested.code', topics: { a: { fields: { id: string() } } } }); // a nested required string is fine
  definePipeline({
    name: 'k8',
    source,
    key: 'id',
    // @ts-expect-error a topic key that is not a field of the topic
    topics: { c: { fields: { id: string() }, key: 'other', project: (r, make) => make({ id: r.id }) } },
  });
  // @ts-expect-error no key at all
  definePipeline({ name: 'k9', source, topics: { a: { fields: { id: string() } } } });

  // ---- sink ----
  definePipeline({
    name: 's1',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error an index on a path the stored document does not have
    sink: { collections: { a: { indexes: [{ key: { missing: 1 } }] } } },
  });
  definePipeline({
    name: 's2',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error insert is always an upsert on a fresh _id: upsert cannot be turned off
    sink: { collections: { a: { write: 'insert', upsert: false } } },
  });
  definePipeline({
    name: 's3',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error update must stay ordered: $set of one key are not commutative
    sink: { collections: { a: { write: 'update', ordered: false } } },
  });
  definePipeline({
    name: 's4',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error a collection for a topic the pipeline does not have
    sink: { collections: { b: {} } },
  });
  definePipeline({
    name: 's5',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error an unknown write model
    sink: { collections: { a: { write: 'merge' } } },
  });

  // ---- privacy ----
  // @ts-expect-error a PII rule on a path the record lacks
  definePipeline({ name: 'p1', source, key: 'id', pii: { email: 'email' }, topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error a PII rule on a number
  definePipeline({ name: 'p2', source, key: 'id', pii: { n: 'text' }, topics: { a: { fields: { id: string() } } } });
  // @ts-expect-error dropping a required field would break every projection that reads it
  definePipeline({ name: 'p3', source, key: 'id', drop: ['id'], topics: { a: { fields: { id: string() } } } });

  // ---- tests ----
  definePipeline({
    name: 't1',
    source,
    key: 'id',
    topics: { a: { fields: { id: string() } } },
    // @ts-expect-error an expected document with a field the topic lacks
    tests: [{ name: 't', expect: { a: [{ id: 'x', other: 1 }] } }],
  });

  // ---- sources ----
  const zodSource = httpJson({ url: 'http://127.0.0.1:1/x', record: z.object({ id: z.string(), tags: z.array(z.string()) }) });
  definePipeline({
    name: 'zod',
    source: zodSource,
    key: 'id',
    topics: { a: { fields: { id: string(), tags: integer() }, project: (r, make) => make({ id: r.id, tags: r.tags.length }) } },
  });
  // @ts-expect-error a zod record's array is not a key
  definePipeline({ name: 'zod-key', source: zodSource, key: 'tags', topics: { a: { fields: { id: string() } } } });
  definePipeline({ name: 'ru', source: randomUser(), key: 'login.uuid', topics: { contact: { fields: { email: string(), cell: string() } } } });
  // @ts-expect-error the Random User record has no `login.password` (secrets never reach it)
  definePipeline({ name: 'ru2', source: randomUser(), key: 'login.password', topics: { contact: { fields: { email: string() } } } });

  // kafka(): topics someone else feeds, no projection, each topic names its key.
  definePipeline({ name: 'kafka', source: kafka(), topics: { clicks: { fields: { click_id: string(), url: string() }, key: 'click_id' } } });
  // @ts-expect-error a kafka() topic without its own key
  definePipeline({ name: 'kafka2', source: kafka(), topics: { clicks: { fields: { click_id: string() } } } });
  // @ts-expect-error a kafka() source has no record, hence no pipeline key
  definePipeline({ name: 'kafka3', source: kafka(), key: 'click_id', topics: { clicks: { fields: { click_id: string() }, key: 'click_id' } } });
  definePipeline({
    name: 'kafka4',
    source: kafka(),
    // @ts-expect-error a kafka() topic has no projection: there is no source record to project
    topics: { clicks: { fields: { click_id: string() }, key: 'click_id', project: (_r: never, make: (d: { click_id: string }) => unknown) => make({ click_id: '' }) } },
  });
}
