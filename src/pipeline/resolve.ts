import { applyPiiPolicy, deriveTopicSchema, type Fields, type PiiOptions, type StringField, type TopicSchema } from '../model/index.js';
import type { PiiRule, Pipeline, ResolvedTopic } from './define.js';
import { definitionDigest } from './digest.js';
import { getPath } from './paths.js';
import { fieldAt, sourceRecordShape, type RecordShape } from './records.js';
import { connectorWriteOptions, type ResolvedCollection } from './sink.js';
import type { Source } from './sources.js';

/**
 * A pipeline definition with everything derived: per topic its Kafka topic, key, schemas and sink, the
 * privacy rules as one function, and a digest that changes when anything the running queries depend on does.
 * Pure: no I/O, nothing read from the environment.
 */
export interface ResolvedPipeline {
  readonly name: string;
  readonly source: Source;
  /** The pipeline key: a dotted path of the source record (absent for kafka() sources). */
  readonly key?: string;
  readonly topics: readonly ResolvedPipelineTopic[];
  /** The MongoDB database; undefined: the configuration's (mongo.database). */
  readonly database?: string;
  readonly deadLetters: string;
  /** The `pii` and `drop` rules by path: the normalised source record as it may leave the producer (a new object; secrets are already gone, dropped by the record schema). */
  readonly protect: (record: unknown, options: PiiOptions) => unknown;
  /** sha256 (hex) of each topic's Kafka topic, fields, key and write model: equal digests, same queries. */
  readonly digest: string;
}

export interface ResolvedPipelineTopic {
  /** The topic's name in the definition. */
  readonly topic: string;
  readonly kafkaTopic: string;
  /** Dotted paths whose values, joined with `/`, are the key: of the source record for the pipeline key, else of this topic's record. */
  readonly key: readonly string[];
  /** Whether `key` reads the source record (the pipeline key) or this topic's own records. */
  readonly keyFrom: 'source' | 'topic';
  readonly schema: TopicSchema;
  /** Source record -> this topic's records (project, explode or pick, then the strict parse). Absent for kafka() sources. */
  readonly toRecords?: (record: unknown) => readonly Record<string, unknown>[];
  /** The Kafka message key of one of this topic's records, made from `record` (by toRecords from `source`). */
  readonly recordKey: (source: unknown, record: unknown) => string;
  readonly sink: ResolvedSink;
}

export interface ResolvedSink extends ResolvedCollection {
  readonly database?: string;
  /** The MongoDB Spark connector options of this collection's write model (src/pipeline/sink.ts). */
  readonly writeOptions: Readonly<Record<string, string>>;
}

/** Generic because a typed Pipeline<R, T> is not a Pipeline<unknown> (its functions take an R); resolved, the types are gone. */
export function resolvePipeline<R, T extends Record<string, Fields>>(definition: Pipeline<R, T>): ResolvedPipeline {
  const pipeline = definition as unknown as Pipeline;
  const record = sourceRecordShape(pipeline.source);
  const topics = Object.values(pipeline.topics).map((topic) => resolveTopic(pipeline, topic, record));
  return {
    name: pipeline.name,
    source: pipeline.source,
    ...(pipeline.key === undefined ? {} : { key: pipeline.key }),
    topics,
    ...(pipeline.database === undefined ? {} : { database: pipeline.database }),
    deadLetters: pipeline.deadLetters,
    protect: privacyRules(pipeline, record),
    digest: pipelineDigest(topics),
  };
}

function resolveTopic(pipeline: Pipeline, topic: ResolvedTopic<unknown, Fields>, record: RecordShape): ResolvedPipelineTopic {
  const { keyFrom } = topic;
  const [only, ...more] = topic.key;
  // A composite key is a joined string, and a zod record has no descriptor: the id is then any non-empty string.
  const keyField =
    only === undefined || more.length > 0 ? undefined : keyFrom === 'topic' ? fieldAt(topic.fields, only) : record.kind === 'fields' ? fieldAt(record.fields, only) : undefined;
  const schema = deriveTopicSchema(topic.topic, topic.fields, keyField?.kind === 'string' ? { keyField: keyField as StringField } : {});
  const database = pipeline.database;
  return {
    topic: topic.topic,
    kafkaTopic: topic.topic,
    key: topic.key,
    keyFrom,
    schema,
    ...(topic.toRecords === undefined ? {} : { toRecords: topic.toRecords as (record: unknown) => readonly Record<string, unknown>[] }),
    recordKey: (source, data) =>
      topic.key
        .map((path) => {
          const part = getPath(keyFrom === 'source' ? source : data, path);
          // Validated records always have their key; a missing one here is a bug, not bad data: never key it "undefined".
          if (typeof part !== 'string' && typeof part !== 'number') throw new Error(`topic ${topic.topic}: key ${path} is ${JSON.stringify(part) ?? 'absent'}, not a string or number`);
          return String(part);
        })
        .join('/'),
    sink: { ...topic.sink, ...(database === undefined ? {} : { database }), writeOptions: connectorWriteOptions(topic.sink) },
  };
}

/**
 * The pipeline's `pii` and `drop` rules as one function over a (validated, normalised) source record. A PII
 * rule follows the run's policy unless it forces its own; a dropped path is deleted when it may be absent
 * and set to null otherwise (the types only allow optional or nullable paths).
 */
function privacyRules(pipeline: Pipeline, record: RecordShape): (value: unknown, options: PiiOptions) => unknown {
  const pii = Object.entries(pipeline.privacy.pii ?? {}) as [string, PiiRule][];
  const drop = pipeline.privacy.drop ?? [];
  if (pii.length === 0 && drop.length === 0) return (value) => value;
  return (value, options) => {
    const copy = structuredClone(value);
    for (const [path, rule] of pii) {
      const { kind, policy } = typeof rule === 'string' ? { kind: rule, policy: options.pii } : rule;
      updatePath(copy, path, (current) => (typeof current === 'string' ? applyPiiPolicy(current, kind, { ...options, pii: policy }) : current));
    }
    for (const path of drop) {
      if (mayBeAbsent(record, path)) deletePath(copy, path);
      else updatePath(copy, path, () => null);
    }
    return copy;
  };
}

function mayBeAbsent(record: RecordShape, path: string): boolean {
  if (record.kind === 'fields') return fieldAt(record.fields, path)?.optional ?? true;
  if (record.kind !== 'zod') return true;
  let schema: unknown = record.schema;
  for (const segment of path.split('.')) schema = (schema as { shape?: Record<string, unknown> } | undefined)?.shape?.[segment];
  return schema === undefined || (schema as { safeParse: (v: unknown) => { success: boolean } }).safeParse(undefined).success;
}

/** The object holding the last segment of `path`, and that segment (undefined when an ancestor is missing). */
function parentOf(value: unknown, path: string): { parent: Record<string, unknown>; last: string } | undefined {
  const segments = path.split('.');
  const last = segments.pop() as string;
  const parent = segments.length === 0 ? value : getPath(value, segments.join('.'));
  return parent !== null && typeof parent === 'object' ? { parent: parent as Record<string, unknown>, last } : undefined;
}

function updatePath(value: unknown, path: string, update: (current: unknown) => unknown): void {
  const at = parentOf(value, path);
  if (at !== undefined && Object.hasOwn(at.parent, at.last)) at.parent[at.last] = update(at.parent[at.last]);
}

function deletePath(value: unknown, path: string): void {
  const at = parentOf(value, path);
  if (at !== undefined) delete at.parent[at.last];
}

export function pipelineDigest(topics: readonly ResolvedPipelineTopic[]): string {
  const parts = topics.map((t) => ({ topic: t.kafkaTopic, fields: t.schema.fields, key: t.key, keyFrom: t.keyFrom, write: t.sink.write, upsert: t.sink.upsert, ordered: t.sink.ordered }));
  return definitionDigest(parts);
}
