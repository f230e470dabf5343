import { StreamlineError } from '../core/errors.js';
import { pipelineDigest, type ResolvedPipeline } from './resolve.js';
import { kafkaTopicProblems, PipelineInvalidError } from './validate.js';

/** A topic name that is not one of the pipeline's: the message lists the ones it has. */
export class PipelineUnknownTopicError extends StreamlineError {
  override name = 'PipelineUnknownTopicError';
  constructor(
    readonly topics: readonly string[],
    pipeline: ResolvedPipeline,
    file: string,
  ) {
    const names = topics.map((topic) => JSON.stringify(topic)).join(', ');
    super('PIPELINE_UNKNOWN_TOPIC', `unknown topic ${names}; pipeline ${pipeline.name} (${file}) has ${pipeline.topics.map((t) => t.topic).join(', ')}`, {
      hint: 'name topics of the pipeline, or add the topic to the pipeline file',
    });
  }
}

export interface TopicSelection {
  /** The topics to act on (config `topics`, `--topics`); empty or absent: all of them. */
  readonly subset?: readonly string[];
  /** Kafka topic name per topic, for topics someone else named (`--topic-names a=b`). */
  readonly kafkaTopics?: Readonly<Record<string, string>>;
}

/**
 * The pipeline restricted to a subset of its topics, some of them under other Kafka names: unknown names fail
 * (every one of them, listed), and so do renames Kafka would refuse or that collide. The digest follows.
 */
export function selectTopics(pipeline: ResolvedPipeline, { subset = [], kafkaTopics = {} }: TopicSelection, file: string): ResolvedPipeline {
  const known = new Set(pipeline.topics.map((t) => t.topic));
  const unknown = [...new Set([...subset, ...Object.keys(kafkaTopics)])].filter((name) => !known.has(name));
  if (unknown.length > 0) throw new PipelineUnknownTopicError(unknown, pipeline, file);
  const wanted = new Set(subset);
  const topics = pipeline.topics
    .filter((t) => wanted.size === 0 || wanted.has(t.topic))
    .map((t) => (Object.hasOwn(kafkaTopics, t.topic) ? { ...t, kafkaTopic: kafkaTopics[t.topic] as string } : t));
  const problems = kafkaTopicProblems(topics);
  if (problems.length > 0) throw new PipelineInvalidError(file, problems);
  return { ...pipeline, topics, digest: pipelineDigest(topics) };
}
