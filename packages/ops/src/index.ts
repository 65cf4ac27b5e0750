export { type CheckResult, type Readiness, type ReadinessTarget, readiness } from './health.js';
export { startHealthServer } from './health-server.js';
export { createMetrics, type Metrics } from './metrics.js';
export { opsTargetOf, PIPELINE_QUEUES } from './target.js';
