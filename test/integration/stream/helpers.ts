// Shared by the streaming acceptance tests (issue 4). Every test gets its own Kafka topics, MongoDB
// database, state dir and checkpoints on the shared runtime that test/global-setup.ts started, so tests
// never see each other's data and never touch users.* or the `streamline` database.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { expect } from 'vitest';
import { streamingStatus } from '../../../src/app/status.js';
import { collectionCounts, stopStreaming } from '../../../src/app/streaming.js';
import { mongoUri, type StreamlineConfig } from '../../../src/config/index.js';
import { producePipeline, type PipelineProduceOptions } from '../../../src/app/produce.js';
import { ISO_UTC_INSTANT_PATTERN, STORED_DOCUMENT_EXTRA_PROPERTIES } from '../../../src/model/index.js';
import type { RandomUserRecord } from '../../../src/source/index.js';
import type { ProduceSummary } from '../../../src/produce/index.js';
import { DEAD_LETTERS } from '../../../src/sink/index.js';
import { fetchUsers, startApiServer, type ApiServer } from '../../../src/source/index.js';
import type { TopicBinding } from '../../../src/stream/index.js';
import { BUILTIN, BUILTIN_TOPICS, builtinBindings, builtinTopic } from '../../../harness/builtin-pipeline.js';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { testServices, uniqueName } from '../../support/services.js';

export const SECRET_FIELDS = ['password', 'salt', 'md5', 'sha1', 'sha256'] as const;
export type Secrets = Record<(typeof SECRET_FIELDS)[number], string>;

/** The shared runtime's configuration (ports, artifacts); tests derive their own from it. */
export const sharedConfig = (): StreamlineConfig => testRuntimeConfig('shared', 'integration');

export interface PipelineFixture {
  config: StreamlineConfig;
  bindings: TopicBinding[];
  /** Kafka topic name of each topic of the built-in pipeline, for the producer's `topicNames`. */
  topicNames: Record<string, string>;
  binding(schema: string): TopicBinding;
}

/**
 * A config on the shared runtime with a unique database, state dir and checkpoint dir, and one unique
 * Kafka topic per schema (collections keep their usual names: the database is unique).
 */
export function pipelineFixture(label: string, schemas: readonly string[] = BUILTIN_TOPICS): PipelineFixture {
  const shared = sharedConfig();
  const id = uniqueName(label);
  const stateDir = join(testServices().stateDir, 'stream-tests', id);
  mkdirSync(stateDir, { recursive: true });
  const config: StreamlineConfig = {
    ...shared,
    stateDir,
    mongo: { ...shared.mongo, database: id },
    stream: { ...shared.stream, checkpointDir: join(stateDir, 'checkpoints') },
  };
  const topicNames = Object.fromEntries(schemas.map((topic) => [topic, uniqueName(`${label}.${topic}`)]));
  const bindings = builtinBindings(schemas, topicNames);
  const binding = (schema: string) => bindings.find((b) => b.schema.topic === schema) as TopicBinding;
  return { config, bindings, topicNames, binding };
}

/** Stops the fixture's queries (if any still run), drops its database and removes its state dir. */
export async function disposeFixture(fixture: PipelineFixture, { keepData = false } = {}): Promise<void> {
  await stopStreaming(fixture.config, fixture.bindings).catch(() => undefined);
  if (keepData) return;
  await withMongo(fixture.config, (mongo) => mongo.db(fixture.config.mongo.database).dropDatabase()).catch(() => undefined);
  rmSync(fixture.config.stateDir, { recursive: true, force: true });
}

export async function withMongo<T>(config: StreamlineConfig, use: (mongo: MongoClient) => Promise<T>): Promise<T> {
  const mongo = new MongoClient(mongoUri(config), { serverSelectionTimeoutMS: 10_000 });
  try {
    await mongo.connect();
    return await use(mongo);
  } finally {
    await mongo.close();
  }
}

export async function readCollection(config: StreamlineConfig, collection: string, projection?: Document): Promise<Document[]> {
  return withMongo(config, (mongo) =>
    mongo
      .db(config.mongo.database)
      .collection(collection)
      .find({}, projection ? { projection } : {})
      .toArray(),
  );
}

/** Documents per collection of the fixture (topic collections, then dead_letters). */
export async function counts(fixture: PipelineFixture): Promise<Record<string, number>> {
  return Object.fromEntries((await collectionCounts(fixture.config, fixture.bindings)).map((c) => [c.collection, c.documents]));
}

/**
 * Polls the document counts until every collection in `targets` holds at least its target, and returns
 * them (the caller asserts exact equality). Also returns once the pipeline is idle short of the targets
 * (every query caught up with Kafka and the counts unchanged for `quietMs`), or at the deadline, so a
 * shortfall or a surplus fails on the numbers instead of a timeout.
 */
export async function waitForCounts(
  fixture: PipelineFixture,
  targets: Record<string, number>,
  { timeoutMs, quietMs = 30_000, log }: { timeoutMs: number; quietMs?: number; log?: (message: string) => void },
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const countStarted = Date.now();
    const now = await counts(fixture);
    // A count reads the whole collection on FerretDB: polled back to back it competes with the very
    // writes it waits for, so wait twice as long as the count took (1 to 5 s).
    const countMs = Date.now() - countStarted;
    const key = JSON.stringify(now);
    if (key !== last) {
      log?.(key);
      last = key;
      since = Date.now();
    }
    if (Object.entries(targets).every(([collection, target]) => (now[collection] ?? 0) >= target)) return now;
    if (Date.now() > deadline) return now;
    if (Date.now() - since > quietMs) {
      const status = await streamingStatus(fixture.config, fixture.bindings);
      if (status.queries.length > 0 && status.queries.every((q) => q.behind === 0)) {
        log?.(`idle for ${quietMs} ms with every query caught up: ${key}`);
        return now;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, Math.max(1000, 2 * countMs))));
  }
}

/**
 * The physical plans Spark ran for a streaming query's micro-batches (from the driver UI's REST API), so
 * tests can check the plan shape, e.g. how often a record is parsed. `batch` is the execution's description,
 * which Spark sets per micro-batch (query name, id, runId, batch number) and which executions started inside
 * the batch inherit; queries of other tests with the same name have other ids.
 */
export async function physicalPlans(config: StreamlineConfig, queryName: string): Promise<Array<{ batch: string; plan: string }>> {
  const base = `http://${config.spark.host}:${config.spark.uiPort}/api/v1/applications`;
  const apps = (await (await fetch(base)).json()) as Array<{ id: string }>;
  const plans: Array<{ batch: string; plan: string }> = [];
  for (const app of apps) {
    const executions = (await (await fetch(`${base}/${app.id}/sql?details=true&planDescription=true&length=100000`)).json()) as Array<{ description: string; planDescription?: string }>;
    for (const e of executions) if (e.description.split('\n')[0] === queryName && e.planDescription) plans.push({ batch: e.description, plan: e.planDescription });
  }
  return plans;
}

/** A fixed clock for the API server, so ages are the same however long a test runs. */
export const API_NOW = new Date('2025-06-01T12:00:00.000Z');

export async function apiServer(): Promise<ApiServer> {
  return startApiServer({ host: '127.0.0.1', port: 0, now: () => API_NOW });
}

export interface SeededUsers {
  /** Normalised users (what the producer publishes), by id, in page order. */
  users: Map<string, RandomUserRecord>;
  /** The raw records' secrets, by id: what must never reach MongoDB. */
  secrets: Map<string, Secrets>;
}

/**
 * The users a seeded run of `count` users in pages of `batchSize` publishes: the API answers the same
 * seed and page with the same users, so fetching those pages again gives the produced users (the
 * tests also check that the ids match the producer's summary counts).
 */
export async function seededUsers(server: ApiServer, seed: string, count: number, batchSize: number): Promise<SeededUsers> {
  const users = new Map<string, RandomUserRecord>();
  const secrets = new Map<string, Secrets>();
  for (let page = 1; users.size < count; page++) {
    const results = Math.min(batchSize, count - users.size);
    const normalised = await fetchUsers({ apiUrl: server.url, results, seed, page });
    expect(normalised.invalid).toEqual([]);
    for (const user of normalised.users) users.set(user.login.uuid, user);
    const response = await fetch(`${server.url}?results=${results}&seed=${encodeURIComponent(seed)}&page=${page}`);
    const body = (await response.json()) as { results: Array<{ login: Secrets & { uuid: string } }> };
    for (const { login } of body.results) secrets.set(login.uuid, { password: login.password, salt: login.salt, md5: login.md5, sha1: login.sha1, sha256: login.sha256 });
  }
  expect(users.size).toBe(count);
  return { users, secrets };
}

/** The built-in pipeline's records from `server` into the fixture's topics, through the producer `streamline produce` runs. */
export function produce(server: ApiServer, fixture: PipelineFixture, options: PipelineProduceOptions & { count: number; seed: string }): Promise<ProduceSummary> {
  const config: StreamlineConfig = { ...fixture.config, api: { ...fixture.config.api, url: server.url }, kafka: { ...fixture.config.kafka, bootstrapServers: testServices().kafkaBootstrap } };
  return producePipeline(config, BUILTIN, {
    topics: fixture.bindings.map((b) => b.schema.topic),
    topicNames: fixture.topicNames,
    onWarning: (message) => {
      throw new Error(`producer warning: ${message}`);
    },
    ...options,
  });
}

export function expectProduced(summary: ProduceSummary, fixture: PipelineFixture, count: number): void {
  expect(summary).toMatchObject({ fetched: count, invalid: 0, duplicates: 0, fetchErrors: 0, aborted: false });
  expect(summary.produced).toEqual(Object.fromEntries(fixture.bindings.map((b) => [b.topic, count])));
  expect(summary.failed).toEqual(Object.fromEntries(fixture.bindings.map((b) => [b.topic, 0])));
}

/** Every key at any depth of a value (for the secret-name check). */
export function allKeys(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, into));
  else if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    for (const [key, child] of Object.entries(value)) {
      into.push(key);
      allKeys(child, into);
    }
  }
  return into;
}

const isoInstant = new RegExp(ISO_UTC_INSTANT_PATTERN);
const isInt = (v: unknown, min = 0) => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * Problems with one stored document of `binding`'s collection (empty when it is right): the topic's
 * fields valid against the canonical zod schema (strict) and equal to what the producer published
 * for that user, the pipeline's own fields of the right types, nothing else, no secret anywhere.
 */
export function documentProblems(doc: Document, binding: TopicBinding, expected: SeededUsers): string[] {
  const problems: string[] = [];
  const id = String(doc._id);
  const fail = (what: string) => problems.push(`${binding.collection} ${id}: ${what}`);
  const topicFields = Object.keys(binding.schema.fields);
  const allowed = new Set([...topicFields, ...Object.keys(STORED_DOCUMENT_EXTRA_PROPERTIES)]);
  const extra = Object.keys(doc).filter((k) => !allowed.has(k));
  if (extra.length) fail(`unexpected keys ${extra.join(', ')}`);

  const data = Object.fromEntries(topicFields.filter((k) => k in doc).map((k) => [k, doc[k]]));
  const parsed = binding.schema.data.safeParse(data);
  if (!parsed.success) fail(`data invalid: ${parsed.error.message.slice(0, 300)}`);
  const user = expected.users.get(id);
  if (!user) fail('not a produced user id');
  else {
    try {
      expect(data).toEqual(builtinTopic(binding.schema.topic).toRecords?.(user)[0]);
    } catch (e) {
      fail(`data differs from what was produced: ${(e as Error).message.slice(0, 400)}`);
    }
  }
  if (binding.schema.topic === 'users.location' && typeof (doc.postcode as unknown) !== 'string') fail(`postcode is ${typeof doc.postcode}`);

  const kafka = doc.kafka as Record<string, unknown> | undefined;
  if (!kafka || kafka.topic !== binding.topic || !isInt(kafka.partition) || !isInt(kafka.offset) || !(kafka.timestamp instanceof Date)) fail(`kafka ${JSON.stringify(kafka)}`);
  if (!(doc.ingested_at instanceof Date)) fail(`ingested_at ${String(doc.ingested_at)}`);
  for (const key of ['fetched_at', 'produced_at'] as const) if (typeof doc[key] !== 'string' || !isoInstant.test(doc[key] as string)) fail(`${key} ${String(doc[key])}`);
  if (doc.schema_version !== 1) fail(`schema_version ${String(doc.schema_version)}`);
  if (typeof doc.source !== 'string' || !doc.source.startsWith('randomuser:')) fail(`source ${String(doc.source)}`);

  const secretKeys = allKeys(doc).filter((k) => (SECRET_FIELDS as readonly string[]).includes(k.toLowerCase()));
  if (secretKeys.length) fail(`secret field names ${secretKeys.join(', ')}`);
  const secrets = expected.secrets.get(id);
  if (secrets) {
    const text = JSON.stringify(doc);
    // Hashes and salt are long random strings: any occurrence is a leak. (A short password can be part
    // of an unrelated word, so it is checked as a whole string value instead.)
    const leaked: string[] = (['salt', 'md5', 'sha1', 'sha256'] as const).filter((f) => text.includes(secrets[f]));
    if (text.includes(JSON.stringify(secrets.password))) leaked.push('password');
    if (leaked.length) fail(`contains the user's ${leaked.join(', ')}`);
  }
  return problems;
}

/** Every dead letter of the fixture (each test's database is its own). */
export async function deadLetters(config: StreamlineConfig): Promise<Document[]> {
  return readCollection(config, DEAD_LETTERS);
}
