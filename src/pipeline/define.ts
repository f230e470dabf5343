import type { Fields, InferFields } from '../model/fields.js';
import type { PiiPolicy } from '../model/pii.js';
import type { DroppablePath, KeyPartPath, KeyPath, StringPath } from './paths.js';
import { pickFields, recordMaker } from './records.js';
import { defaultCollectionName, type CollectionSpec, type ResolvedCollection, type SinkSpec, type StoredMeta } from './sink.js';
import type { KafkaSource, ProducerSource, Source } from './sources.js';

/**
 * `definePipeline`: the one typed definition a pipeline file exports. Everything else (producer validation,
 * Spark schema and checks, dead-letter reasons, MongoDB validators and indexes, JSON Schema documents, topic
 * creation, dashboard panels, /metrics labels, Airflow params) is derived from the value it returns.
 *
 * What the compiler guarantees, in the pipeline author's editor (see define.typecheck.ts):
 * - a topic's `project` returns exactly its `fields`' type, built with `make`: a missing required field, a
 *   field the schema lacks (nested ones included) or a wrong value type is an error at that property, and
 *   returning anything not built by `make` is an error;
 * - `key` is a dotted path of the source record to a required, non-null string (optional, nullable, numeric,
 *   object and unknown paths are errors); a topic's own `key` likewise within its fields;
 * - a topic without `project` is only allowed when the source record already has every field the topic
 *   declares, with the same types (the topic is then a pick of the record's fields);
 * - index keys are paths of the topic's stored document; PII rules are string paths of the source record,
 *   `drop` only optional or nullable ones;
 * - `insert` collections cannot turn upsert off, `update` ones cannot be unordered;
 * - a `kafka()` source has no record: no pipeline `key`, no `project`, and every topic names its own `key`.
 * What it cannot see (an object passed to `make` through a variable, whose extra keys the compiler allows and
 * the strict parse rejects at run time; collection names MongoDB refuses;
 * a key that is not unique per document, ...) `streamline check` validates at runtime: validatePipeline().
 */

/** How one field path of the source record is protected before any topic sees it. */
export type PiiKind = 'email' | 'phone' | 'id' | 'text';
export type PiiRule =
  /** Masked or hashed as the run's policy says (`--pii keep|mask|hash`, config produce.pii), like today's email/phone/id. */
  | PiiKind
  /** Always this policy, whatever the run's. */
  | { readonly kind: PiiKind; readonly policy: PiiPolicy };

export interface Privacy<R> {
  /** String fields to mask or hash; the path must exist in the source record. */
  readonly pii?: { readonly [P in StringPath<R>]?: PiiRule };
  /** Optional or nullable fields removed (or nulled) from every record before projection. */
  readonly drop?: readonly DroppablePath<R>[];
  /**
   * Raw field paths that must never reach Kafka, MongoDB, logs or samples (e.g. `login.password`): the
   * source's record schema already drops undeclared keys; these feed the secret scan (faults/checks/secrets.ts)
   * and `check`'s output redaction.
   */
  readonly secrets?: readonly string[];
}

interface TopicCommon<S extends Fields> {
  readonly fields: S;
  readonly description?: string;
  /**
   * This topic's own key, a path of its fields (required string), or several (required strings/integers)
   * joined with `/`: needed when records of this topic are not one per source key (`explode`), and for
   * `kafka()` sources. Default: the pipeline's `key`.
   */
  readonly key?: NoInfer<KeyPath<InferFields<S>> | readonly [KeyPartPath<InferFields<S>>, ...KeyPartPath<InferFields<S>>[]]>;
}

declare const topicRecord: unique symbol;

/**
 * One record of a topic, as `make` returns it: the topic's data, validated (strict zod, derived from the
 * fields) and branded with the topic's descriptor, so a projection cannot return anything `make` did not build.
 */
export type TopicRecord<S extends Fields> = InferFields<S> & { readonly [topicRecord]: S };

/**
 * The topic's record constructor, handed to `project`/`explode`. Called with an object literal, the compiler
 * checks it exactly (TypeScript does not check excess properties of an arrow function's returned literal,
 * microsoft/TypeScript#7547, but it does check a call's argument): a field the schema lacks, at any depth, a
 * missing required field, a wrong value type are errors at the offending property. At run time it is the
 * strict zod parse of the topic's data, so both halves are one function.
 */
export type Make<S extends Fields> = (data: InferFields<S>) => TopicRecord<S>;

/** A topic without `project`/`explode` is a pick of the record's fields, allowed only when the record has them all, with the same types. */
type ProjectionRequired<R, S extends Fields> = [R] extends [InferFields<S>] ? unknown : { readonly explode: unknown } | { readonly project: unknown };

export type TopicSpec<R, S extends Fields> = TopicCommon<S> & {
  /** One record of this topic per source record. */
  readonly project?: (record: R, make: Make<S>) => TopicRecord<S>;
  /** Any number of records of this topic per source record (line items of an order); give the topic its own `key`. */
  readonly explode?: (record: R, make: Make<S>) => readonly TopicRecord<S>[];
} & ProjectionRequired<R, S>;

/** A topic of a `kafka()` source: its records arrive as they are, so it has no projection and names its key. */
export type KafkaTopicSpec<S extends Fields> = Omit<TopicCommon<S>, 'key'> & {
  readonly key: KeyPath<InferFields<S>> | readonly [KeyPartPath<InferFields<S>>, ...KeyPartPath<InferFields<S>>[]];
};

/**
 * An expected stored document in a test case: the topic's fields and, except for `insert` collections (whose
 * `_id` is the Kafka coordinates), the `_id`; volatile meta (ingested_at, kafka, fetched_at...) is not compared.
 */
export type ExpectedDocument<S extends Fields> = InferFields<S> & Partial<Pick<StoredMeta, '_id'>>;

export interface PipelineTest<T extends Record<string, Fields>> {
  readonly name: string;
  /** Raw source records, as the source would return them (before validation and normalisation). */
  readonly input?: readonly unknown[];
  /** Raw Kafka values per topic, to test the streaming checks alone (e.g. a malformed message). */
  readonly messages?: { readonly [K in keyof T]?: readonly { key?: string; value: string }[] };
  /** Every document expected per topic (only these: an unexpected one fails the test). */
  readonly expect?: { readonly [K in keyof T]?: readonly ExpectedDocument<T[K]>[] };
  /** Records the source itself rejects (never sent), by input index. */
  readonly rejected?: readonly { readonly index: number; readonly reason: string | RegExp }[];
  /** Dead letters expected, per topic. */
  readonly deadLetters?: readonly { readonly topic: keyof T & string; readonly reason: string | RegExp }[];
}

interface PipelineCommon<T extends Record<string, Fields>> {
  /** `[a-z][a-z0-9-]*`: names checkpoints, query names, the session file, the Compose project's env. */
  readonly name: string;
  readonly description?: string;
  /** NoInfer: the topics alone decide T; the sink and the tests are checked against them. */
  readonly sink?: NoInfer<SinkSpec<T>>;
  readonly tests?: NoInfer<readonly PipelineTest<T>[]>;
}

export type ProducerPipelineDef<R, T extends Record<string, Fields>> = PipelineCommon<T> &
  Privacy<R> & {
    readonly source: ProducerSource<R>;
    /** Path of the source record to a required string: the Kafka message key, the envelope `id`, the `_id`. */
    readonly key: KeyPath<R>;
    readonly topics: { readonly [K in keyof T]: TopicSpec<R, T[K]> };
  };

export type KafkaPipelineDef<T extends Record<string, Fields>> = PipelineCommon<T> & {
  readonly source: KafkaSource;
  readonly key?: never;
  readonly topics: { readonly [K in keyof T]: KafkaTopicSpec<T[K]> };
};

/** Privacy rules by plain path, as the runtime applies them. */
export interface ResolvedPrivacy {
  readonly pii?: Readonly<Record<string, PiiRule>>;
  readonly drop?: readonly string[];
  readonly secrets?: readonly string[];
}

/** What definePipeline returns: the definition, kept as data, plus the types for typed helpers. */
export interface Pipeline<R = unknown, T extends Record<string, Fields> = Record<string, Fields>> {
  readonly kind: 'streamline.pipeline';
  readonly apiVersion: 1;
  readonly name: string;
  readonly description?: string;
  readonly source: Source;
  readonly key?: string;
  readonly privacy: ResolvedPrivacy;
  readonly topics: { readonly [K in keyof T]: ResolvedTopic<R, T[K]> };
  readonly database?: string;
  readonly deadLetters: string;
  readonly tests: readonly PipelineTest<T>[];
}

export interface ResolvedTopic<R, S extends Fields> {
  readonly topic: string;
  readonly fields: S;
  readonly description?: string;
  /** Dotted paths whose values, joined with `/`, are the key of this topic's records. */
  readonly key: readonly string[];
  /** Whether `key` is the pipeline's (a path of the source record) or the topic's own (paths of its records). */
  readonly keyFrom: 'source' | 'topic';
  /** How `toRecords` makes this topic's records: one per source record, 0..n, or a pick of the record's fields. Absent for kafka() sources. */
  readonly projection?: 'project' | 'explode' | 'pick';
  /** Source record -> this topic's records (0..n), each through `make` (the strict parse). Absent for kafka() sources. */
  readonly toRecords?: (record: R) => readonly InferFields<S>[];
  readonly sink: ResolvedCollection;
}

export function definePipeline<const T extends Record<string, Fields>>(def: KafkaPipelineDef<T>): Pipeline<never, T>;
export function definePipeline<R, const T extends Record<string, Fields>>(def: ProducerPipelineDef<R, T>): Pipeline<R, T>;
export function definePipeline(definition: unknown): Pipeline {
  const def = definition as LooseDef;
  const topics = Object.fromEntries(
    Object.entries(def.topics).map(
      ([topic, spec]) => {
        const collection = def.sink?.collections?.[topic] ?? {};
        const key = spec.key === undefined ? (def.key === undefined ? [] : [def.key]) : typeof spec.key === 'string' ? [spec.key] : [...spec.key];
        // `make` is the strict parse of the topic's fields: the compile-time check of the projection and the
        // run-time one are one function. A pick takes the declared fields (deep) before that same parse.
        const make = recordMaker(spec.fields);
        const projection = spec.explode ? 'explode' : spec.project ? 'project' : 'pick';
        const toRecords =
          def.source.kind === 'kafka'
            ? undefined
            : spec.explode
              ? (record: unknown) => spec.explode!(record, make)
              : spec.project
                ? (record: unknown) => [spec.project!(record, make)]
                : (record: unknown) => [make(pickFields(record, spec.fields))];
        const resolved: ResolvedTopic<unknown, Fields> = {
          topic,
          fields: spec.fields,
          ...(spec.description === undefined ? {} : { description: spec.description }),
          key,
          keyFrom: spec.key === undefined ? 'source' : 'topic',
          ...(toRecords === undefined ? {} : { projection, toRecords: toRecords as (record: unknown) => readonly InferFields<Fields>[] }),
          sink: resolveCollection(topic, collection),
        };
        return [topic, resolved];
      },
    ),
  );
  const privacy = def;
  return {
    kind: 'streamline.pipeline',
    apiVersion: 1,
    name: def.name,
    ...(def.description === undefined ? {} : { description: def.description }),
    source: def.source,
    ...(def.key === undefined ? {} : { key: def.key }),
    privacy: { ...(privacy.pii ? { pii: privacy.pii } : {}), ...(privacy.drop ? { drop: privacy.drop } : {}), ...(privacy.secrets ? { secrets: privacy.secrets } : {}) },
    topics,
    ...(def.sink?.database === undefined ? {} : { database: def.sink.database }),
    deadLetters: def.sink?.deadLetters ?? 'dead_letters',
    tests: (def.tests ?? []) as Pipeline['tests'],
  };
}

/** The definition as the implementation reads it, once the overloads above have checked it. */
interface LooseDef {
  readonly name: string;
  readonly description?: string;
  readonly source: Source;
  readonly key?: string;
  readonly pii?: Readonly<Record<string, PiiRule>>;
  readonly drop?: readonly string[];
  readonly secrets?: readonly string[];
  readonly topics: Record<
    string,
    { fields: Fields; description?: string; key?: string | readonly string[]; project?: (r: unknown, make: (d: unknown) => unknown) => unknown; explode?: (r: unknown, make: (d: unknown) => unknown) => readonly unknown[] }
  >;
  readonly sink?: { database?: string; deadLetters?: string; collections?: Record<string, CollectionSpec<unknown> | undefined> };
  readonly tests?: readonly unknown[];
}

function resolveCollection(topic: string, spec: CollectionSpec<unknown>): ResolvedCollection {
  const write = spec.write ?? 'replace';
  const indexes = (spec.indexes ?? []).map((index) => {
    const key = index.key as Record<string, 1 | -1>;
    const name = index.name ?? Object.entries(key).map(([path, direction]) => `${path}_${direction}`).join('_');
    return index.unique ? { name, key, unique: true } : { name, key };
  });
  return {
    topic,
    collection: spec.collection ?? defaultCollectionName(topic),
    write,
    upsert: write === 'insert' ? true : (spec.upsert ?? true),
    ordered: spec.ordered ?? true,
    indexes: [...indexes, { name: 'ingested_at', key: { ingested_at: -1 } }],
    validator: spec.validator ?? true,
  };
}

/** Whether a value is a pipeline definition (what the loader checks a pipeline file's default export with). */
export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'streamline.pipeline';
}
