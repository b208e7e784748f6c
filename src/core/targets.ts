import type { Finding } from './findings.js';
import type { ServicePlan, TargetRole } from './plan/config.js';
import { instancesDuringDeploy, type Surge } from './plan/surge.js';

/**
 * How many targets of one run are checked at the same time. Each holds one read-only session (and the
 * probes' few) on its server, so the bound is on pooltune's own connections and on the terminal's patience,
 * not on any server's.
 */
export const TARGETS_AT_ONCE = 4;

/** `[name] title`: how a finding about one of several targets is shown in every format. */
export function titleWithTarget(finding: Pick<Finding, 'title' | 'target'>): string {
  return finding.target === undefined ? finding.title : `[${finding.target}] ${finding.title}`;
}

/** A target that could not be reached: a finding for that target, so that the others' reports still count. */
export function unreachableFinding(
  name: string,
  display: string,
  error: { readonly message: string; readonly hints: readonly string[] },
): Finding {
  return {
    id: 'target-unreachable',
    severity: 'critical',
    target: name,
    title: `${display} was not checked: ${error.message}`,
    ...(error.hints.length > 0 ? { expected: error.hints.join('; ') } : {}),
  };
}

/** A target whose server is not what the plan says: a standby listed as the primary, say. */
export function roleFinding(name: string, declared: TargetRole, observed: TargetRole): Finding | undefined {
  if (declared === observed) return undefined;
  return {
    id: 'target-role',
    severity: 'warning',
    target: name,
    title: `The plan lists ${name} as a ${declared}, but it is a ${observed}`,
    observed,
    expected: `${declared}, as targets in the plan says; or correct the plan's role for ${name}`,
  };
}

/** One target's share of the plan: what its services may open at rest and during a deploy. */
export interface TargetDemand {
  readonly services: number;
  readonly atRest: number;
  /** With the plan's surge; equal to atRest when the plan states none. */
  readonly duringDeploy: number;
}

export function demandOf(services: readonly ServicePlan[], surge: Surge | undefined): TargetDemand {
  const sum = (instances: (s: ServicePlan) => number) =>
    services.reduce((n, s) => n + instances(s) * s.pool.maxConnections, 0);
  return {
    services: services.length,
    atRest: sum((s) => s.instances),
    duringDeploy:
      surge === undefined ? sum((s) => s.instances) : sum((s) => instancesDuringDeploy(s.instances, surge)),
  };
}
