export { ALL_TOPICS_QUERY, bindTopics, expectedQueries, ingestQueryName, pipelineQueryPlan, type PipelineQuery, type QueryLayout, type TopicBinding } from './bindings.js';
export { checkpointFor, definitionDifferences, pipelineDefinition, pipelineQueries, queryReport, startPipeline, stopQueries, type PipelineDefinition, type PipelineSpec } from './pipeline.js';
export { readOffsets, reportFromProgress, type OffsetMap, type QueryReport } from './progress.js';
export { deadLetterColumns, documentColumns, kafkaSource, mongoSinkOptions, parsedRecords, recordRoutes, type MongoTarget, type SourceOptions } from './queries.js';
export { clearPipelineSession, loadPipelineSession, savePipelineSession, type PipelineSession } from './session-file.js';
export { messageChecks, reasonColumn, type Check } from './validation.js';
export { sparkSchema } from './spark-schema.js';
