export { dashboardToken } from './auth.js';
export { Collector } from './collect.js';
export { builtinPipeline } from './pipeline.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './server.js';
