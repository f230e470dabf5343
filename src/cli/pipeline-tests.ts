// `streamline test`: a pipeline file's own test cases (definePipeline's `tests`) run through the pipeline
// on paper (src/cli/dry-run.ts), the outcome compared with what each case expects. Pure: the caller
// gives the source's normalisation and the time.
import type { PiiPolicy } from '../model/index.js';
import type { Pipeline } from '../pipeline/define.js';
import type { ResolvedPipeline, ResolvedPipelineTopic } from '../pipeline/resolve.js';
import { hasBareValues } from '../pipeline/sources.js';
import type { Normalized } from '../source/runtime.js';
import { canonicalJson, differingPaths, diffItems, type DiffLine } from './diff.js';
import { dryRunMessages, dryRunRecords, type DryRunMessage, type RejectedRecord } from './dry-run.js';

/** What a test may compare; its name in the output. */
export interface Mismatch {
  /** `documents of <topic>`, `dead letters`, `rejected records`. */
  readonly what: string;
  readonly diff: DiffLine[];
}

export interface TestOutcome {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  readonly reason?: string;
  readonly mismatches: Mismatch[];
}

export interface TestRunOptions {
  /** The source's normalisation of a raw record; undefined when this runtime cannot normalise yet (the test is skipped, with `unsupported` as the reason). */
  readonly normalize?: (raw: unknown) => Normalized<unknown>;
  readonly unsupported?: string;
  readonly now: Date;
  readonly pii?: PiiPolicy;
}

/** Meta the stored document carries that a test does not pin: when and where a message was read. */
const VOLATILE = ['kafka', 'ingested_at', 'fetched_at', 'produced_at', 'schema_version', 'source'] as const;

type Test = Pipeline['tests'][number];
type Expectation = { readonly topic?: string; readonly index?: number; readonly reason: string | RegExp };

const matches = (reason: string, expected: string | RegExp): boolean => (typeof expected === 'string' ? reason === expected : expected.test(reason));
const showReason = (expected: string | RegExp): string => (typeof expected === 'string' ? expected : String(expected));

/** Nulls and absent keys are the same in a test: a stored `replace` document holds null for an optional field the record lacked. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== null && inner !== undefined)
      .map(([key, inner]) => [key, withoutNulls(inner)]),
  );
}

/** A deep merge, what an `update` write's `$set` of dotted leaves does to the stored document. */
function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const out = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const current = out[key];
    const bothObjects = [current, value].every((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date));
    out[key] = bothObjects ? merge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

/** The collection after the messages' documents are written in order, per write model (replace: last wins; update: merged; insert: appended). */
function collectionState(topic: ResolvedPipelineTopic, messages: readonly DryRunMessage[]): Record<string, unknown>[] {
  const byId = new Map<unknown, Record<string, unknown>>();
  for (const { document } of messages) {
    if (document === undefined) continue;
    const current = byId.get(document._id);
    byId.set(document._id, topic.sink.write === 'update' && current !== undefined ? merge(current, document) : document);
  }
  return [...byId.values()];
}

/** The part of a stored document a test compares: no volatile meta, `_id` only where the expectation gives it, nulls as absent. */
function comparable(document: Record<string, unknown>, withId: boolean): unknown {
  const kept = Object.fromEntries(Object.entries(document).filter(([key]) => !(VOLATILE as readonly string[]).includes(key) && (withId || key !== '_id')));
  return withoutNulls(kept);
}

/** A `-` line followed by a `+` line: the fields that differ, under the pair. */
function explainPairs(lines: DiffLine[], parse: (text: string) => unknown): DiffLine[] {
  const out: DiffLine[] = [];
  lines.forEach((line, i) => {
    out.push(line);
    const next = lines[i + 1];
    const previous = lines[i - 1];
    if (line.op === '+' && previous?.op === '-' && (lines[i - 2]?.op ?? ' ') !== '-' && next?.op !== '+') {
      for (const path of differingPaths(parse(previous.text), parse(line.text))) out.push({ op: ' ', text: `  ^ ${path}` });
    }
  });
  return out;
}

function documentMismatches(pipeline: ResolvedPipeline, test: Test, messages: readonly DryRunMessage[]): Mismatch[] {
  const expect = (test.expect ?? {}) as Record<string, readonly Record<string, unknown>[] | undefined>;
  return pipeline.topics.flatMap((topic) => {
    const expected = expect[topic.topic] ?? [];
    const withId = topic.sink.write !== 'insert' && expected.some((document) => Object.hasOwn(document, '_id'));
    const actual = collectionState(
      topic,
      messages.filter((m) => m.topic === topic.topic),
    ).map((document) => canonicalJson(comparable(document, withId)));
    const wanted = expected.map((document) => canonicalJson(withoutNulls(document)));
    const diff = diffItems(wanted, actual, (e, a) => e === a, { expected: (e) => e, actual: (a) => a });
    if (diff.every((line) => line.op === ' ')) return [];
    return [{ what: `documents of ${topic.topic} (${topic.sink.collection}, ${topic.sink.write})`, diff: explainPairs(diff, (text) => JSON.parse(text)) }];
  });
}

function reasonMismatch<A extends { readonly reason: string; readonly topic?: string; readonly index?: number }>(what: string, expected: readonly Expectation[], actual: readonly A[], label: (item: { topic?: string; index?: number }) => string): Mismatch[] {
  const diff = diffItems(expected, actual, (e, a) => label(e) === label(a) && matches(a.reason, e.reason), {
    expected: (e) => `${label(e)}${showReason(e.reason)}`,
    actual: (a) => `${label(a)}${a.reason}`,
  });
  return diff.every((line) => line.op === ' ') ? [] : [{ what, diff }];
}

/** One test case: its input records and raw messages through the pipeline, compared with its expectations. */
export function runPipelineTest(pipeline: ResolvedPipeline, test: Test, options: TestRunOptions): TestOutcome {
  const { name } = test;
  const input = test.input ?? [];
  if (input.length > 0 && options.normalize === undefined) return { name, status: 'skipped', reason: options.unsupported ?? 'this source cannot read test input', mismatches: [] };
  const fromInput = options.normalize
    ? dryRunRecords(pipeline, input, options.normalize, { source: 'test', fetchedAt: options.now.toISOString(), now: options.now, pii: { pii: options.pii ?? 'keep' } })
    : { rejected: [] as RejectedRecord[], messages: [] as DryRunMessage[] };
  const messages = [...fromInput.messages];
  const raw = (test.messages ?? {}) as Record<string, readonly { key?: string; value: string }[] | undefined>;
  for (const [topicName, values] of Object.entries(raw)) {
    const topic = pipeline.topics.find((t) => t.topic === topicName);
    if (topic === undefined) return { name, status: 'failed', reason: `messages for topic ${topicName}, which the pipeline does not have (it has ${pipeline.topics.map((t) => t.topic).join(', ')})`, mismatches: [] };
    messages.push(...dryRunMessages(topic, values ?? [], options.now, { bare: hasBareValues(pipeline.source) }));
  }
  const deadLetters = messages.filter((m) => m.deadLetter !== undefined).map((m) => ({ topic: m.topic, reason: m.deadLetter as string }));
  const mismatches = [
    ...documentMismatches(pipeline, test, messages),
    ...reasonMismatch('dead letters', test.deadLetters ?? [], deadLetters, (item) => `${item.topic}: `),
    ...reasonMismatch('rejected records', test.rejected ?? [], fromInput.rejected, (item) => `#${item.index}: `),
  ];
  return { name, status: mismatches.length === 0 ? 'passed' : 'failed', mismatches };
}
