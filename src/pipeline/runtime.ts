import type { LoadedPipeline } from './load.js';
import { resolvePipeline, type ResolvedPipeline } from './resolve.js';
import { selectTopics, type TopicSelection } from './select.js';
import { assertValidPipeline, type PipelineProblem } from './validate.js';

/** The pipeline a command or a use case runs: the file's definition, validated, and resolved (narrowed to a topic selection). */
export interface RuntimePipeline extends LoadedPipeline {
  readonly resolved: ResolvedPipeline;
  /** What validation warned about (errors have thrown): the caller decides whether to print them. */
  readonly warnings: readonly PipelineProblem[];
}

/**
 * Validates and resolves a loaded pipeline: a PipelineInvalidError listing every error, a PipelineUnknownTopicError
 * for a selected name it lacks. An empty selection (config `topics` by default) is every topic of the pipeline.
 */
export function runtimePipeline(loaded: LoadedPipeline, selection: TopicSelection = {}): RuntimePipeline {
  const warnings = assertValidPipeline(loaded.pipeline, loaded.file);
  const resolved = resolvePipeline(loaded.pipeline);
  const narrowed = selection.subset?.length || Object.keys(selection.kafkaTopics ?? {}).length ? selectTopics(resolved, selection, loaded.file) : resolved;
  return { ...loaded, resolved: narrowed, warnings };
}
