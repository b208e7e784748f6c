import { planChecks } from '../checks/plan.js';
import { runChecks } from '../checks/registry.js';
import type { Finding } from '../findings.js';
import type { PoolerLimits } from './config.js';
import type { PlannedService, PlanServer } from './server.js';

export { planServerFrom, type PlannedService, type PlanServer } from './server.js';

/**
 * The plan against the server: the fleet total, then each service's pool against its recommendation.
 * @deprecated runChecks([planChecks], { plan: { services, server, pooler } }) from core/checks.
 */
export function checkPlan(
  services: readonly PlannedService[],
  server: PlanServer,
  pooler: PoolerLimits | undefined,
): Finding[] {
  return runChecks([planChecks], { plan: { services, server, pooler } }).findings;
}
