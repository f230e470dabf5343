import type { z } from 'zod';
import type { Fields, InferFields } from '../model/fields.js';
import type { RandomUserRecord } from '../source/randomuser/record.js';

/**
 * Source constructors of the pipeline API. A source is plain data (printable, diffable, comparable across
 * runs like today's PipelineDefinition); the producer's runtime (src/sources/<kind>/ next session) reads it.
 * `R` is the type of one normalised source record: what every topic's `project` receives.
 */

declare const recordType: unique symbol;

/** What every source shares. The phantom `[recordType]` carries `R` to definePipeline (never set at runtime). */
export interface SourceBase<Kind extends string, R> {
  readonly kind: Kind;
  /** The envelope's `source` (e.g. `randomuser:127.0.0.1:3001`, `http:api.example.com`, `file:orders.ndjson`). */
  readonly label?: string;
  readonly [recordType]?: (record: R) => R;
}

/**
 * How a source's records are validated before anything is projected: a descriptor of the schema DSL (closed:
 * unknown keys are dropped, as the Random User source drops passwords) or any zod schema (for shapes the DSL
 * does not have yet: arrays, unions, coercions of an API's quirks). Source records are only ever checked in
 * TypeScript; topics' `fields` are what Spark and MongoDB derive from, so they must be descriptors.
 */
export type RecordSchema = Fields | z.ZodType;
export type RecordOf<S extends RecordSchema> = S extends z.ZodType<infer R> ? R : S extends Fields ? InferFields<S> : never;

/** A value read from the environment when the producer starts; never stored in the definition or printed. */
export interface EnvRef {
  readonly env: string;
  /** Used when the variable is unset; without it, an unset variable fails `check` and `produce` naming it. */
  readonly default?: string;
}
export const env = (name: string, fallback?: string): EnvRef => (fallback === undefined ? { env: name } : { env: name, default: fallback });

/** A duration with its unit, the grammar of every duration flag (#19): `500ms`, `10s`, `5m`. */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h'}`;

export interface Retries {
  /** Attempts per request, the first included. Default 5. */
  readonly attempts?: number;
  /** First backoff; doubles per attempt with full jitter (the one backoff helper of #19). Default 250ms. */
  readonly initialBackoff?: Duration;
  readonly maxBackoff?: Duration;
}

// ---- randomUser: today's behaviour, all of it ----

export interface RandomUserOptions {
  /** The API; default: our local randomuser.me-compatible server, started in-process (config api.*). */
  readonly url?: string | EnvRef;
  /** Records per request (the API's `results`, 1..5000). Default min(count, 500). */
  readonly batchSize?: number;
  /** Nationalities, e.g. `['gb', 'fr']`. */
  readonly nat?: readonly string[];
  readonly retries?: Retries;
}

export interface RandomUserSource extends SourceBase<'randomuser', RandomUserRecord> {
  readonly options: RandomUserOptions;
}

/**
 * The Random User API: quirks handled (string coordinates, numeric postcodes), dates to ISO-8601 UTC,
 * `login.password`/`salt`/hashes never leave the client (allow-list normalisation in src/source/randomuser/),
 * records that fail validation counted and skipped. The record type is RandomUserRecord (src/source/randomuser/record.ts).
 */
export function randomUser(options: RandomUserOptions = {}): RandomUserSource {
  return { kind: 'randomuser', options };
}

// ---- httpJson ----

export type Pagination =
  /** One request, no paging. */
  | { readonly kind: 'none' }
  /** `?page=1,2,3...` (and a page size); stops at an empty page. */
  | { readonly kind: 'page'; readonly param: string; readonly first: number; readonly sizeParam?: string; readonly size?: number }
  /** `?offset=0&limit=100`, then offset += items received; stops at a short or empty page. */
  | { readonly kind: 'offset'; readonly param: string; readonly limitParam: string; readonly limit: number }
  /** `?cursor=<value at nextAt in the previous body>`; stops when it is null, absent or empty. */
  | { readonly kind: 'cursor'; readonly param: string; readonly nextAt: string }
  /** RFC 8288 `Link: <...>; rel="next"` (GitHub style); stops when there is none. */
  | { readonly kind: 'link'; readonly rel: string };

export const page = (param = 'page', options: { first?: number; sizeParam?: string; size?: number } = {}): Pagination => ({
  kind: 'page',
  param,
  first: options.first ?? 1,
  ...(options.sizeParam === undefined ? {} : { sizeParam: options.sizeParam }),
  ...(options.size === undefined ? {} : { size: options.size }),
});
export const offset = (param = 'offset', limitParam = 'limit', limit = 100): Pagination => ({ kind: 'offset', param, limitParam, limit });
export const cursor = (param: string, nextAt: string): Pagination => ({ kind: 'cursor', param, nextAt });
export const linkHeader = (rel = 'next'): Pagination => ({ kind: 'link', rel });

export interface HttpJsonOptions<S extends RecordSchema> {
  readonly url: string | EnvRef;
  /** Dotted path of the items array in the body (`data.items`); omitted: the body is the array. */
  readonly itemsAt?: string;
  readonly record: S;
  readonly pagination?: Pagination;
  /** Header values, literal or from the environment (`{ Authorization: env('ORDERS_TOKEN') }`); redacted in every output. */
  readonly headers?: Readonly<Record<string, string | EnvRef>>;
  /** Most requests per second. Default: unbounded. */
  readonly rate?: number;
  readonly retries?: Retries;
  readonly timeout?: Duration;
  /**
   * What the producer does at the last page: `stop` (a finite data set: `produce` ends when every page is
   * read) or `poll` (ask the last cursor/page again after this long, for feeds that grow). Default `stop`.
   */
  readonly atEnd?: 'stop' | { readonly poll: Duration };
}

export interface HttpJsonSource<R> extends SourceBase<'http-json', R> {
  readonly options: HttpJsonOptions<RecordSchema>;
}

/** Any JSON API that returns arrays of records, paged one of four ways. */
export function httpJson<const S extends RecordSchema>(options: HttpJsonOptions<S>): HttpJsonSource<RecordOf<S>> {
  return { kind: 'http-json', options };
}

// ---- file ----

export type FileFormat = 'ndjson' | 'json' | 'csv';

export interface FileOptions<S extends RecordSchema> {
  /** A path or a glob (`data/*.ndjson`), relative to the pipeline file; files are read in name order. */
  readonly path: string;
  readonly format: FileFormat;
  readonly record: S;
  /** json: dotted path of the items array; omitted: the document is the array. */
  readonly itemsAt?: string;
  /** csv: the first row names the columns (default true); values are strings, coerced by the record schema's kinds. */
  readonly csv?: { readonly header?: boolean; readonly delimiter?: string };
  /** `stop` at the end of the last file (default), or keep watching for appended lines / new files. */
  readonly atEnd?: 'stop' | { readonly poll: Duration };
}

export interface FileSource<R> extends SourceBase<'file', R> {
  readonly options: FileOptions<RecordSchema>;
}

export function file<const S extends RecordSchema>(options: FileOptions<S>): FileSource<RecordOf<S>> {
  return { kind: 'file', options };
}

// ---- kafka: topics someone else feeds ----

export interface KafkaOptions {
  /**
   * `envelope`: values are streamline envelopes (`{ schema_version, id, data, ... }`, e.g. another streamline
   * producer); `bare` (default): the value is the topic's record itself and the key field is read from it.
   */
  readonly values?: 'envelope' | 'bare';
}

/** No producer: only the streaming side runs. There is no source record, so topics have no `project`. */
export interface KafkaSource extends SourceBase<'kafka', never> {
  readonly options: KafkaOptions;
}

export function kafka(options: KafkaOptions = {}): KafkaSource {
  return { kind: 'kafka', options };
}

/** Whether the source's Kafka values are bare records (a `kafka()` source's default) rather than streamline envelopes. */
export const hasBareValues = (source: Source): boolean => source.kind === 'kafka' && (source.options.values ?? 'bare') === 'bare';

export type ProducerSource<R> = RandomUserSource | HttpJsonSource<R> | FileSource<R>;
export type Source = RandomUserSource | HttpJsonSource<unknown> | FileSource<unknown> | KafkaSource;
