export { checkLocalBindings, remoteBindRefusal } from './bind.js';
export { down, status, up, readRecord, type Health, type RuntimeEvent, type ServiceRecord } from './supervisor.js';
export { localServices, type ServiceName } from './services.js';
export { isRunning, pidAlive } from './process.js';
export { kafkaClusterView, sparkClusterView } from './cluster-status.js';
export { budgetProblem, memoryBudget } from './budget.js';
export { recordedNodes, runningRecord, serviceState, startRecorded, stopRecorded } from './supervisor.js';
export { STREAM_SUPERVISOR, streamSupervisorLaunch } from './stream-supervisor.js';
