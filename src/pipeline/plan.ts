import type { PlannedService } from '../core/plan/server.js';
import type { PlanConfig } from '../core/plan/config.js';
import { resolvePlanPath, serviceWorkload } from '../config/load-plan.js';
import { loadWorkload } from '../config/load-workload.js';

/** The plan with each service's workload preset loaded (paths relative to the config file). */
export async function plannedServices(plan: PlanConfig, cwd: string): Promise<PlannedService[]> {
  return Promise.all(
    plan.services.map(async (service) => ({
      service,
      preset: await loadWorkload(resolvePlanPath(plan, serviceWorkload(plan, service), cwd), cwd),
    })),
  );
}
