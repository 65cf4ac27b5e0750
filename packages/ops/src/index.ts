export { connectivityChecks, type OpsCheck, PROVIDER_KEYS, secretChecks } from './doctor.js';
export { type CheckResult, type Readiness, type ReadinessTarget, readiness } from './health.js';
export { startHealthServer } from './health-server.js';
export { createMetrics, type Metrics } from './metrics.js';
export { quotaPause, shouldResume, startQuotaWatcher } from './quota-watch.js';
export {
  RAILWAY_API_URL,
  RailwayClient,
  RailwayError,
  type RailwayTarget,
  railwayTargets,
} from './railway.js';
export { type RotateOptions, type RotateReport, RotationError, rotateKey } from './rotate.js';
export {
  ROTATION_QUEUE,
  type RotationRun,
  type RotationSchedule,
  rotationScheduleFromEnv,
  runScheduledRotation,
  type ScheduleQueue,
  startRotationSchedule,
} from './rotation-schedule.js';
export { opsTargetOf, PIPELINE_QUEUES } from './target.js';
export { type VendorKeys, vendorKeys } from './vendor-keys.js';
