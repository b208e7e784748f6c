import { serverChecks } from './server.js';
import { runChecks, type CheckResult } from './registry.js';
import type { CheckContext } from './types.js';

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
  type SchemaObservation,
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

/**
 * check-server's checks, in report order.
 * @deprecated runChecks([serverChecks], { server: ctx }); kept until the commands move to the registry.
 */
export function runServerChecks(ctx: CheckContext): CheckResult {
  return runChecks([serverChecks], { server: ctx });
}
