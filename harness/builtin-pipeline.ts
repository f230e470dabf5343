// The built-in pipeline (pipelines/randomuser.ts), resolved once, for the benchmarks, the fault suite and the
// tests: they run it without a pipeline file to choose (the CLI loads the same file by path). Bindings,
// envelopes and schemas come from it through the product's own pipeline code, as for any pipeline.
import randomUserPipeline from '../pipelines/randomuser.js';
import type { Pipeline } from '../src/pipeline/define.js';
import { topicEnvelopes } from '../src/pipeline/envelope.js';
import { BUILTIN_PIPELINE, type LoadedPipeline } from '../src/pipeline/load.js';
import { resolvePipeline, type ResolvedPipeline, type ResolvedPipelineTopic } from '../src/pipeline/resolve.js';
import { selectTopics } from '../src/pipeline/select.js';
import { pipelineBindings, type TopicBinding } from '../src/stream/index.js';

/**
 * The file and its definition, as `loadPipeline` returns them: what `producePipeline` and `runDemo` take. The
 * loader types a file's default export as `Pipeline` (its record type unknown), so the typed one is widened.
 */
export const BUILTIN: LoadedPipeline = { file: BUILTIN_PIPELINE, origin: 'builtin', pipeline: randomUserPipeline as unknown as Pipeline };

const RESOLVED = resolvePipeline(randomUserPipeline);

/** Its topic names in definition order, typed so tests can key records by them; checked against the file below. */
export const BUILTIN_TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'] as const;
export type BuiltinTopic = (typeof BUILTIN_TOPICS)[number];
if (RESOLVED.topics.map((t) => t.topic).join() !== BUILTIN_TOPICS.join()) {
  throw new Error(`harness/builtin-pipeline.ts lists ${BUILTIN_TOPICS.join(', ')}; ${BUILTIN_PIPELINE} has ${RESOLVED.topics.map((t) => t.topic).join(', ')}`);
}

/** The pipeline narrowed to `subset` (empty: every topic), some topics under other Kafka names (tests isolate by topic). */
export const builtinSelection = (subset: readonly string[] = [], kafkaTopics: Readonly<Record<string, string>> = {}): ResolvedPipeline =>
  selectTopics(RESOLVED, { subset, kafkaTopics }, BUILTIN_PIPELINE);

/** The streaming bindings of that selection. */
export const builtinBindings = (subset: readonly string[] = [], kafkaTopics: Readonly<Record<string, string>> = {}): TopicBinding[] =>
  pipelineBindings(builtinSelection(subset, kafkaTopics));

/** One topic of the pipeline: its schema (`.schema`: Spark schema, checks, validator), key and records. */
export function builtinTopic(name: string): ResolvedPipelineTopic {
  const topic = RESOLVED.topics.find((t) => t.topic === name);
  if (!topic) throw new Error(`the built-in pipeline has no topic ${name}; it has ${BUILTIN_TOPICS.join(', ')}`);
  return topic;
}

/** The message value the producer sends for one normalised record on one topic (this topic makes exactly one). */
export function builtinEnvelope(topic: string, record: unknown, meta: { source: string; fetchedAt: Date | string; producedAt: Date | string }): Record<string, unknown> {
  const iso = (instant: Date | string) => new Date(instant).toISOString();
  const [made] = topicEnvelopes(builtinTopic(topic), record, { source: meta.source, fetchedAt: iso(meta.fetchedAt), producedAt: iso(meta.producedAt) });
  if (!made) throw new Error(`topic ${topic} made no record`);
  return made.envelope as Record<string, unknown>;
}
