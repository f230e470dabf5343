export { DEAD_LETTERS, collectionForTopic, indexesForTopic } from './collections.js';
export { countDocuments, storedCounts } from './counts.js';
export { ensureCollections, pipelinePlan, type CollectionPlan, type SetupReport } from './setup.js';
