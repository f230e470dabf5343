export { DEAD_LETTERS } from './collections.js';
export { countDocuments, storedCounts } from './counts.js';
export { ensureCollections, pipelinePlan, type CollectionPlan, type SetupReport } from './setup.js';
