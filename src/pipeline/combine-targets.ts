import type { StopSignal } from '../ui/interrupt.js';
import { EXIT_CODE, exitCodeFor } from '../core/exit-codes.js';
import { SEVERITY_RANK, type FailOn, type Finding, type Severity } from '../core/findings.js';
import type { ServicePlan } from '../core/plan/config.js';
import type { Surge } from '../core/plan/surge.js';
import type { ServerFacts } from '../core/server-facts.js';
import { acrossTargets, demandOf, unreachableFinding } from '../core/targets.js';
import type { FleetRow, OneTargetReport, TargetsReport } from '../report/targets-report.js';
import type { TargetOutcome } from './targets.js';

const FLEET_FINDINGS = new Set(['plan-fleet', 'plan-surge']);

function worst(findings: readonly Finding[]): Severity | null {
  return findings.reduce<Severity | null>(
    (w, f) => (w === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w),
    null,
  );
}

/** A target the run was stopped before: a check skipped, not a server that could not be reached. */
const notRun = (signal: StopSignal) => `the run was stopped by ${signal} before its turn`;

/**
 * One report over several targets: each target's findings, skipped checks and ignores labelled with its
 * name, a finding for each target that was not reached, findings across targets (a target that is not
 * the plan's role, a standby below its primary), and the exit code of the whole run: the gate over every finding, or, when no target
 * was reached at all, the code their errors share (3 when they differ).
 */
export function combineTargets(
  command: TargetsReport['command'],
  outcomes: readonly TargetOutcome<OneTargetReport>[],
  plan: {
    readonly failOn: FailOn;
    /** Each target's services, by target name; undefined: the run has no plan with services. */
    readonly servicesOf: ((name: string) => readonly ServicePlan[]) | undefined;
    readonly surge: Surge | undefined;
  },
  /** Each reached target's facts (null: only a pooler's console was read), by name. */
  seen: ReadonlyMap<string, ServerFacts | null> = new Map(),
): TargetsReport {
  const across = acrossTargets(
    outcomes.map((o) => ({
      name: o.name,
      ...(o.declaredRole ? { declaredRole: o.declaredRole } : {}),
      facts: 'report' in o && seen.has(o.name) ? seen.get(o.name) : undefined,
    })),
  );
  const label = <T extends { readonly target?: string }>(name: string, items: readonly T[]): T[] =>
    items.map((item) => ({ ...item, target: name }));
  const findings: Finding[] = [];
  const skipped: TargetsReport['skipped'][number][] = [];
  const ignored: NonNullable<TargetsReport['ignored']>[number][] = [];
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      findings.push(unreachableFinding(outcome.name, outcome.target.endpoint.display, outcome.error));
      continue;
    }
    if ('stopped' in outcome) {
      skipped.push({ id: 'target-unreachable', target: outcome.name, reason: notRun(outcome.stopped) });
      continue;
    }
    findings.push(...label(outcome.name, outcome.report.findings));
    skipped.push(...label(outcome.name, outcome.report.skipped));
    ignored.push(
      ...(outcome.report.ignored ?? []).map((i) => ({
        ...i,
        finding: { ...i.finding, target: outcome.name },
      })),
    );
  }
  findings.push(...across);
  const reports = outcomes.flatMap((o) => ('report' in o ? [o.report] : []));
  const errors = outcomes.flatMap((o) => ('error' in o ? [o.error.exitCode] : []));
  const exitCode =
    reports.length === 0
      ? errors.every((code) => code === errors[0])
        ? (errors[0] ?? EXIT_CODE.unreachable)
        : EXIT_CODE.unreachable
      : Math.max(exitCodeFor(findings, plan.failOn), ...reports.map((r) => r.exitCode));
  const fleet: FleetRow[] | null =
    plan.servicesOf === undefined
      ? null
      : outcomes.map((outcome) => {
          const demand = demandOf(plan.servicesOf!(outcome.name), plan.surge);
          const report = 'report' in outcome ? outcome.report : null;
          return {
            target: outcome.name,
            services: demand.services,
            atRest: demand.atRest,
            duringDeploy: demand.duringDeploy,
            usableSlots: report !== null && 'server' in report ? (report.server?.usableSlots ?? null) : null,
            status: report ? worst(report.findings.filter((f) => FLEET_FINDINGS.has(f.id))) : null,
          };
        });
  return {
    command,
    several: true,
    target: null,
    serverVersion: null,
    pooler: null,
    targets: outcomes.map((outcome) => ({
      name: outcome.name,
      display: outcome.target.endpoint.display,
      declaredRole: outcome.declaredRole ?? null,
      report: 'report' in outcome ? outcome.report : null,
      error:
        'error' in outcome ? outcome.error.message : 'stopped' in outcome ? notRun(outcome.stopped) : null,
    })),
    fleet,
    findings,
    skipped,
    ignored,
    failOn: plan.failOn,
    exitCode,
  };
}
