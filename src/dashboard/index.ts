export { checkBinding, dashboardToken, DASHBOARD_TOKEN_ENV, isLoopback } from './auth.js';
export { Collector, type CollectorOptions } from './collect.js';
export { createMetrics } from './metrics.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './server.js';
export type { DashboardSnapshot, HistoryPoint, QueryView, ServiceView, TopicView, CollectionView } from './views.js';
