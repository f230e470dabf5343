export { RuntimeError } from './errors.js';
export { checkLocalBindings, isLoopbackHost, remoteBindRefusal, type BindSection } from './bind.js';
export { down, status, up, readRecord, type DownResult, type Health, type RuntimeEvent, type ServiceRecord, type ServiceStatus, type UpOptions, type UpResult } from './supervisor.js';
export { localServices, type ServiceName, type ServiceSpec } from './services.js';
export { isRunning, pidAlive } from './process.js';
export { kafkaClusterView, sparkClusterView, type SparkClusterView, type WorkerView } from './cluster-status.js';
export { availableMemoryMb, budgetProblem, checkMemoryBudget, memoryBudget, type BudgetLine } from './budget.js';
export { recordedNodes, runningRecord, serviceState, startRecorded, stopRecorded } from './supervisor.js';
export { STREAM_SUPERVISOR, streamSupervisorLaunch } from './stream-supervisor.js';
