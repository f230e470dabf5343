// Invalid Kafka records of every kind we can think of, each built from a valid record of the topic so
// that exactly one thing is wrong with it (or, for the first kinds, everything).

export interface PoisonRecord {
  kind: string;
  key: string | undefined;
  /** undefined: a tombstone (null value). */
  value: Buffer | undefined;
}

/** A valid record of the topic: its key (the user id) and its envelope as an object. */
export interface ValidRecord {
  key: string;
  envelope: Record<string, unknown>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Nesting far beyond any sane document (and beyond Jackson's default limit of 1000). */
const deeplyNested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

export const POISON_KINDS: readonly { kind: string; build: (valid: ValidRecord, otherId: string) => Omit<PoisonRecord, 'kind'> }[] = [
  { kind: 'not JSON', build: (v) => ({ key: v.key, value: Buffer.from(`not json {${v.key}`) }) },
  { kind: 'JSON, not an object', build: (v) => ({ key: v.key, value: json([v.envelope]) }) },
  {
    kind: 'wrong types',
    build: (v) => ({ key: v.key, value: json({ ...v.envelope, id: 42, schema_version: 'one', fetched_at: true, data: Object.fromEntries(Object.keys(v.envelope.data as object).map((k) => [k, [k]])) }) }),
  },
  {
    kind: 'missing id',
    build: (v) => {
      const { id: _id, ...rest } = v.envelope;
      return { key: v.key, value: json(rest) };
    },
  },
  { kind: 'key/id mismatch', build: (v, otherId) => ({ key: otherId, value: json(v.envelope) }) },
  { kind: 'no key', build: (v) => ({ key: undefined, value: json(v.envelope) }) },
  { kind: 'deeply nested', build: (v) => ({ key: v.key, value: Buffer.from(JSON.stringify({ ...v.envelope, data: '@nested@' }).replace('"@nested@"', deeplyNested(5_000))) }) },
  { kind: '900 KB', build: (v) => ({ key: v.key, value: json({ ...v.envelope, data: 'x'.repeat(900 * 1024) }) }) },
  { kind: 'invalid UTF-8', build: (v) => ({ key: v.key, value: Buffer.concat([Buffer.from(JSON.stringify(v.envelope).slice(0, -1) + ',"bad":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) }) },
  { kind: 'null value', build: (v) => ({ key: v.key, value: undefined }) },
];

/** The i-th poison record: the kinds in turn, each from its own valid record. */
export function poisonRecord(index: number, valid: ValidRecord, otherId: string): PoisonRecord {
  const entry = POISON_KINDS[index % POISON_KINDS.length] as (typeof POISON_KINDS)[number];
  return { kind: entry.kind, ...entry.build(valid, otherId) };
}
