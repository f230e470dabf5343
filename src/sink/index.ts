export { DEAD_LETTERS, collectionForTopic, indexesForTopic, type IndexPlan } from './collections.js';
export { countDocuments, storedCounts } from './counts.js';
export { detectBackend, ensureCollections, pipelinePlan, type Backend, type CollectionPlan, type SetupReport } from './setup.js';
