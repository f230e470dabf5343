/**
 * The public pipeline API: what a pipeline file imports (`import { definePipeline, ... } from 'streamline/pipeline'`,
 * package.json's export; the CLI's loader maps that specifier to this file, src/pipeline/load.ts).
 * Only this module is public; everything it re-exports is covered by the generated API reference.
 */
export { boolean, integer, nullable, number, object, optional, string, timestamp, type Fields, type InferFields } from '../model/fields.js';
export { definePipeline, isPipeline, type Pipeline, type PipelineTest, type PiiKind, type PiiRule, type TopicSpec } from './define.js';
export type { DroppablePath, FieldPath, KeyPath, StringPath } from './paths.js';
export { type CollectionSpec, type IndexSpec, type SinkSpec, type WriteModel } from './sink.js';
export { cursor, env, file, httpJson, kafka, linkHeader, offset, page, randomUser, type Duration, type EnvRef, type Pagination } from './sources.js';
