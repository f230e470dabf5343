export { expectedQueries, pipelineBindings, pipelineQueryPlan, type TopicBinding } from './bindings.js';
export { checkpointFor, definitionDifferences, pipelineDefinition, pipelineQueries, queryReport, startPipeline, type PipelineSpec } from './pipeline.js';
export type { OffsetMap, QueryReport } from './progress.js';
export { deadLetterColumns, recordRoutes } from './queries.js';
export { clearPipelineSession, loadPipelineSession, savePipelineSession, type PipelineSession } from './session-file.js';
