export * from './families.js';
export {
  GUIDE_CHECK_SETTINGS,
  type BenchObservation,
  type CheckInput,
  type CheckSettings,
  type FamilyName,
  type MonitorContext,
  type MonitorObservation,
  type PlanObservation,
  type PoolerObservation,
  type SchemaObservation,
  type SessionObservation,
  type SizingObservation,
} from './input.js';
export {
  defineCheck,
  defineFamily,
  runChecks,
  type Check,
  type CheckFamily,
  type CheckResult,
} from './registry.js';
export type { CheckContext, ServerPlan } from './types.js';
export { limitsOf } from './sessions.js';
export {
  standbyObservation,
  type ReplayLagThresholds,
  type StandbyObservation,
} from './standby/observation.js';
export { overWindow, poolerObservation, unreadPooler } from './pooler/observation.js';
