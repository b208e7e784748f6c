import type { PlannedService } from '../core/plan/server.js';
import type { PlanConfig } from '../core/plan/config.js';
import { loadPlan, loadUnaskedPlan, resolvePlanPath, serviceWorkload } from '../config/load-plan.js';
import { loadWorkload } from '../config/load-workload.js';
import type { Io } from '../ui/io.js';

/** The plan with each service's workload preset loaded (paths relative to the config file). */
export async function plannedServices(plan: PlanConfig, cwd: string): Promise<PlannedService[]> {
  return Promise.all(
    plan.services.map(async (service) => ({
      service,
      preset: await loadWorkload(resolvePlanPath(plan, serviceWorkload(plan, service), cwd), cwd),
    })),
  );
}

/** The nearest plan when none was asked for; a broken one is named in one warning and left out. */
export async function unaskedPlan(io: Io, askWith = '--config'): Promise<PlanConfig | undefined> {
  const { plan, problem } = await loadUnaskedPlan(io.cwd);
  if (problem !== undefined) {
    await io.stderr.write(
      `pooltune: warning: ${problem}; going on without the plan (pass ${askWith} to use it)\n`,
    );
  }
  return plan;
}

/** The plan --config names (its problems are errors), else the nearest one, which may not fail the run. */
export async function planAskedOrFound(config: string | undefined, io: Io): Promise<PlanConfig | undefined> {
  return config === undefined ? unaskedPlan(io) : loadPlan(config, io.cwd);
}
