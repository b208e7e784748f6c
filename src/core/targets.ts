import type { Finding } from './findings.js';
import type { ServerFacts } from './server-facts.js';
import { compareStandbyToPrimary } from './topology/compare.js';
import type { ServicePlan, TargetRole } from './plan/config.js';
import { instancesDuringDeploy, type Surge } from './plan/surge.js';

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

/** What a run learnt of one of its targets, for the judgements that need two of them. */
export interface SeenTarget {
  readonly name: string;
  readonly declaredRole?: TargetRole;
  /** The server's facts; null when only a pooler's console was read, undefined when it was not reached. */
  readonly facts: ServerFacts | null | undefined;
}

/** What the target is, from what it said: a pooler when pooltune reached the server through one. */
export function observedRole(facts: ServerFacts | null): TargetRole {
  if (facts === null || facts.route.throughPooler) return 'pooler';
  return facts.topology.role;
}

/**
 * The judgements across a run's targets: each reached target against the role the plan gives it, and each
 * standby against every primary of the same cluster (the same system identifier, when both could read it),
 * since a standby's max_connections and its kin may not be below its primary's and SQL on one server
 * cannot see the other's.
 */
export function acrossTargets(targets: readonly SeenTarget[]): Finding[] {
  const reached = targets.filter(
    (t): t is SeenTarget & { facts: ServerFacts | null } => t.facts !== undefined,
  );
  const roles = reached.flatMap((t) =>
    t.declaredRole === undefined
      ? []
      : [roleFinding(t.name, t.declaredRole, observedRole(t.facts))].filter((f) => f !== undefined),
  );
  const servers = reached.filter(
    (t): t is SeenTarget & { facts: ServerFacts } => t.facts !== null && !t.facts.route.throughPooler,
  );
  const primaries = servers.filter((t) => t.facts.topology.role === 'primary');
  const standbys = servers.filter((t) => t.facts.topology.role === 'standby');
  const pairs = standbys.flatMap((standby) =>
    primaries.flatMap((primary) =>
      compareStandbyToPrimary(primary.facts, standby.facts).map((finding) => ({
        ...finding,
        target: standby.name,
        observed: `${finding.observed ?? ''} (primary: ${primary.name})`.trim(),
      })),
    ),
  );
  return [...roles, ...pairs];
}
