import { StreamlineError } from '../core/errors.js';
import { STORED_DOCUMENT_EXTRA_PROPERTIES, type Field, type Fields } from '../model/index.js';
import type { Pipeline, ResolvedTopic } from './define.js';
import { fieldAt, sourceRecordShape } from './records.js';
import type { Source } from './sources.js';

/**
 * What the compiler cannot see in a pipeline definition, checked at run time by every command: names Kafka
 * or MongoDB refuse, collisions, write models that are not exactly once as configured, and (for definitions
 * the compiler did not check: plain JavaScript, casts) keys and privacy paths the record does not have.
 */
export interface PipelineProblem {
  /** The key path in the definition, e.g. `topics['orders.lines'].key`. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
  readonly severity: 'error' | 'warning';
}

/** The database the collections land in when the definition names none (config mongo.database's default). */
const DEFAULT_DATABASE = 'streamline';
const PIPELINE_NAME = /^[a-z][a-z0-9-]*$/;
const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const DATABASE_FORBIDDEN = /[/\\. "$*<>:|?\0]/;
/** MongoDB's limits, in bytes: a database name below 64, a namespace (`db.collection`) at most 255. */
const MAX_DATABASE_BYTES = 63;
const MAX_NAMESPACE_BYTES = 255;

const quoted = (name: string): string => `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
const topicPath = (topic: string): string => `topics${quoted(topic)}`;
const collectionPath = (topic: string): string => `sink.collections${quoted(topic)}`;
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Every problem of the definition, errors and warnings, in the order of the definition. */
export function validatePipeline<R, T extends Record<string, Fields>>(definition: Pipeline<R, T>): PipelineProblem[] {
  const pipeline = definition as unknown as Pipeline;
  const topics = Object.values(pipeline.topics);
  return [
    ...nameProblems(pipeline.name),
    ...databaseProblems(pipeline.database),
    ...kafkaTopicProblems(topics.map(({ topic }) => ({ topic, kafkaTopic: topic }))),
    ...topics.flatMap((topic) => topicProblems(pipeline, topic)),
    ...collectionProblems(pipeline, topics),
    ...privacyProblems(pipeline),
  ];
}

function nameProblems(name: string): PipelineProblem[] {
  if (PIPELINE_NAME.test(name)) return [];
  return [
    {
      path: 'name',
      message: `pipeline name ${JSON.stringify(name)} is not lower-case letters, digits and dashes, starting with a letter`,
      hint: 'it names checkpoints, queries and the state directory: use e.g. "orders" or "shop-orders"',
      severity: 'error',
    },
  ];
}

function databaseProblems(database: string | undefined): PipelineProblem[] {
  if (database === undefined) return [];
  const wrong = database === '' ? 'is empty' : DATABASE_FORBIDDEN.test(database) ? 'contains a character MongoDB refuses (/\\. "$*<>:|? or NUL)' : bytes(database) > MAX_DATABASE_BYTES ? `is longer than ${MAX_DATABASE_BYTES} bytes` : undefined;
  if (wrong === undefined) return [];
  return [{ path: 'sink.database', message: `database name ${JSON.stringify(database)} ${wrong}`, hint: 'use letters, digits, _ and -', severity: 'error' }];
}

/** Kafka topic names Kafka refuses, alone or together (also after `--topics` renames: src/pipeline/select.ts). */
export function kafkaTopicProblems(topics: readonly { readonly topic: string; readonly kafkaTopic: string }[]): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const seen = new Map<string, { topic: string; kafkaTopic: string }>();
  for (const { topic, kafkaTopic } of topics) {
    const named = kafkaTopic === topic ? JSON.stringify(topic) : `${JSON.stringify(kafkaTopic)} (topic ${JSON.stringify(topic)})`;
    if (!KAFKA_TOPIC.test(kafkaTopic) || kafkaTopic === '.' || kafkaTopic === '..') {
      problems.push({
        path: topicPath(topic),
        message: `Kafka refuses the topic name ${named}: 1 to 249 of letters, digits, '.', '_' and '-' (and not '.' or '..')`,
        hint: 'rename the topic',
        severity: 'error',
      });
      continue;
    }
    // Kafka refuses a topic whose name differs from an existing one only by '.' versus '_' (their metric names collide).
    const collisionKey = kafkaTopic.replace(/\./g, '_');
    const other = seen.get(collisionKey);
    if (other === undefined) seen.set(collisionKey, { topic, kafkaTopic });
    else {
      const message =
        other.kafkaTopic === kafkaTopic
          ? `topics ${JSON.stringify(other.topic)} and ${JSON.stringify(topic)} are both Kafka topic ${JSON.stringify(kafkaTopic)}`
          : `Kafka topics ${JSON.stringify(other.kafkaTopic)} and ${JSON.stringify(kafkaTopic)} collide: Kafka treats '.' and '_' alike in topic names`;
      problems.push({ path: topicPath(topic), message, hint: 'give one of them a different name', severity: 'error' });
    }
  }
  return problems;
}

function topicProblems(pipeline: Pipeline, topic: ResolvedTopic<unknown, Fields>): PipelineProblem[] {
  const path = topicPath(topic.topic);
  const problems: PipelineProblem[] = [];
  for (const name of Object.keys(topic.fields)) {
    if (Object.hasOwn(STORED_DOCUMENT_EXTRA_PROPERTIES, name)) {
      problems.push({
        path: `${path}.fields.${name}`,
        message: `field ${JSON.stringify(name)} clashes with a key every stored document carries (${Object.keys(STORED_DOCUMENT_EXTRA_PROPERTIES).join(', ')})`,
        hint: 'rename the field in the topic and its projection',
        severity: 'error',
      });
    }
  }
  if (topic.projection === 'explode' && topic.keyFrom === 'source' && topic.sink.write !== 'insert') {
    problems.push({
      path: `${path}.key`,
      message: `topic ${JSON.stringify(topic.topic)} makes several records per source record (explode) but has no key of its own: they would all share the pipeline key and overwrite each other`,
      hint: "give the topic a key of its own fields, e.g. key: ['order_id', 'line'], or write: 'insert'",
      severity: 'error',
    });
  }
  problems.push(...keyProblems(pipeline, topic));
  return problems;
}

/** A key must be required and non-null: a string (or, in a composite key, a string or integer). */
function keyProblems(pipeline: Pipeline, topic: ResolvedTopic<unknown, Fields>): PipelineProblem[] {
  if (topic.keyFrom === 'source') {
    const record = recordFields(pipeline.source);
    const [key] = topic.key;
    if (key === undefined) return [{ path: 'key', message: 'the pipeline has no key', hint: "name a required string field of the source record, e.g. key: 'id'", severity: 'error' }];
    if (record === undefined) return [];
    const problem = keyFieldProblem(fieldAt(record, key), false);
    return problem === undefined ? [] : [{ path: 'key', message: `pipeline key ${JSON.stringify(key)} ${problem} in the source record`, hint: 'the key must be a required, non-null string field of the record', severity: 'error' }];
  }
  const composite = topic.key.length > 1;
  return topic.key.flatMap((key) => {
    const problem = keyFieldProblem(fieldAt(topic.fields, key), composite);
    if (problem === undefined) return [];
    return [
      {
        path: `${topicPath(topic.topic)}.key`,
        message: `key ${JSON.stringify(key)} of topic ${JSON.stringify(topic.topic)} ${problem} in the topic's fields`,
        hint: composite ? 'each part of a composite key must be a required, non-null string or integer field of the topic' : 'the key must be a required, non-null string field of the topic',
        severity: 'error',
      },
    ];
  });
}

function keyFieldProblem(field: Field | undefined, integerAllowed: boolean): string | undefined {
  if (field === undefined) return 'is not a field';
  if (field.optional || field.nullable) return 'is optional or nullable';
  if (field.kind === 'string' || (integerAllowed && field.kind === 'integer')) return undefined;
  return `is ${field.kind === 'integer' ? 'an' : 'a'} ${field.kind}, not a string`;
}

/** The source record's descriptor, when it has one (not for zod records or kafka sources). */
function recordFields(source: Source): Fields | undefined {
  const shape = sourceRecordShape(source);
  return shape.kind === 'fields' ? shape.fields : undefined;
}

function collectionProblems(pipeline: Pipeline, topics: readonly ResolvedTopic<unknown, Fields>[]): PipelineProblem[] {
  const database = pipeline.database ?? DEFAULT_DATABASE;
  const problems: PipelineProblem[] = [];
  const uses = new Map<string, ResolvedTopic<unknown, Fields>[]>();
  for (const topic of topics) {
    const { sink } = topic;
    const path = collectionPath(topic.topic);
    const wrong = collectionNameProblem(sink.collection, database);
    if (wrong !== undefined) problems.push({ path: `${path}.collection`, message: `collection name ${JSON.stringify(sink.collection)} ${wrong}`, hint: 'name the collection with letters, digits and _', severity: 'error' });
    if (sink.collection === pipeline.deadLetters) {
      problems.push({ path: `${path}.collection`, message: `topic ${JSON.stringify(topic.topic)} writes to ${JSON.stringify(sink.collection)}, the dead-letter collection`, hint: 'name another collection (or sink.deadLetters)', severity: 'error' });
    }
    uses.set(sink.collection, [...(uses.get(sink.collection) ?? []), topic]);
    if (sink.write !== 'insert' && !sink.upsert) {
      problems.push({
        path: `${path}.upsert`,
        message: `upsert: false on ${JSON.stringify(sink.collection)}: records whose key has no document are dropped by MongoDB and not counted, so the pipeline is not exactly once`,
        hint: 'remove upsert: false unless another writer creates the documents',
        severity: 'warning',
      });
    }
    if (sink.write === 'insert' && pipeline.source.kind !== 'kafka') {
      problems.push({
        path: `${path}.write`,
        message: `write 'insert' on ${JSON.stringify(sink.collection)} is exactly once per Kafka record, but a ${pipeline.source.kind} source may send a record again after a producer crash: it then gets a second document`,
        hint: "use write: 'replace' (one document per key) if a record must never be stored twice",
        severity: 'warning',
      });
    }
  }
  const deadLettersWrong = collectionNameProblem(pipeline.deadLetters, database);
  if (deadLettersWrong !== undefined) problems.push({ path: 'sink.deadLetters', message: `collection name ${JSON.stringify(pipeline.deadLetters)} ${deadLettersWrong}`, hint: 'name the collection with letters, digits and _', severity: 'error' });
  for (const [collection, writers] of uses) {
    if (writers.length < 2) continue;
    const [first, ...others] = writers as [ResolvedTopic<unknown, Fields>, ...ResolvedTopic<unknown, Fields>[]];
    const mergeable = writers.every((t) => t.sink.write === 'update' && t.keyFrom === first.keyFrom && t.key.join('/') === first.key.join('/'));
    for (const other of others) {
      problems.push({
        path: `${collectionPath(other.topic)}.collection`,
        message: `topics ${JSON.stringify(first.topic)} and ${JSON.stringify(other.topic)} both write to ${JSON.stringify(collection)}${mergeable ? ': their updates merge into the same documents' : ''}`,
        hint: mergeable ? 'make sure their fields do not overlap' : "give each topic its own collection (only write: 'update' topics with the same key may share one)",
        severity: mergeable ? 'warning' : 'error',
      });
    }
  }
  return problems;
}

function collectionNameProblem(name: string, database: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('$')) return "contains '$'";
  if (name.includes('\0')) return 'contains NUL';
  if (name.startsWith('system.')) return "starts with 'system.' (reserved by MongoDB)";
  if (bytes(`${database}.${name}`) > MAX_NAMESPACE_BYTES) return `makes the namespace ${database}.… longer than ${MAX_NAMESPACE_BYTES} bytes`;
  return undefined;
}

/** PII rules on string paths, drops on optional or nullable ones: what the types say, for definitions they did not check. */
function privacyProblems(pipeline: Pipeline): PipelineProblem[] {
  const record = recordFields(pipeline.source);
  if (record === undefined) return [];
  const pii = Object.keys(pipeline.privacy.pii ?? {}).flatMap((path): PipelineProblem[] => {
    const field = fieldAt(record, path);
    if (field?.kind === 'string') return [];
    return [{ path: `pii${quoted(path)}`, message: `PII rule on ${JSON.stringify(path)}, which ${field === undefined ? 'is not a field' : `is ${field.kind === 'integer' || field.kind === 'object' ? 'an' : 'a'} ${field.kind}, not a string`} of the source record`, hint: 'PII rules apply to string fields only', severity: 'error' }];
  });
  const drop = (pipeline.privacy.drop ?? []).flatMap((path, index): PipelineProblem[] => {
    const field = fieldAt(record, path);
    if (field !== undefined && (field.optional || field.nullable)) return [];
    return [{ path: `drop[${index}]`, message: `drop ${JSON.stringify(path)}: ${field === undefined ? 'not a field' : 'a required field'} of the source record`, hint: 'only optional or nullable fields can be dropped; a projection that reads a required one would break', severity: 'error' }];
  });
  return [...pii, ...drop];
}

/** A pipeline definition with errors: every one of them, each with its key path and what to do. */
export class PipelineInvalidError extends StreamlineError {
  override name = 'PipelineInvalidError';
  constructor(
    readonly file: string,
    readonly problems: readonly PipelineProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const lines = errors.map((p) => `  ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    super('PIPELINE_INVALID', `pipeline ${file} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      hint: `fix the definition in ${file}; \`streamline check\` lists every problem`,
    });
  }
}

/** Throws PipelineInvalidError listing every error; returns the warnings (for the caller to print). */
export function assertValidPipeline<R, T extends Record<string, Fields>>(definition: Pipeline<R, T>, file: string): PipelineProblem[] {
  const problems = validatePipeline(definition);
  if (problems.some((p) => p.severity === 'error')) throw new PipelineInvalidError(file, problems);
  return problems.filter((p) => p.severity === 'warning');
}
