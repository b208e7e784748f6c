import type { Severity } from '../core/findings.js';
import type { TargetRole } from '../core/plan/config.js';
import type { CheckServerReport } from './check-server-report.js';
import type { ReportEnvelope } from './document.js';
import type { HealthReport } from './health-report.js';
import type { PreflightReport } from './preflight-report.js';

/** The reports of the commands that take several targets, one per target. */
export type OneTargetReport = CheckServerReport | HealthReport | PreflightReport;

/** One target of a run over several: its own report, or why it was not checked. */
export interface TargetEntry {
  readonly name: string;
  /** user@host:port/db, never with the password. */
  readonly display: string;
  /** What the plan says the target is, when it lists it. */
  readonly declaredRole: TargetRole | null;
  /** The target's report as a run on it alone would give it; null when it was not reached. */
  readonly report: OneTargetReport | null;
  /** Why the target was not checked (one line); null when it was. */
  readonly error: string | null;
}

/** One target's budget against the plan's services that connect to it. */
export interface FleetRow {
  readonly target: string;
  readonly services: number;
  /** Connections the target's services may open at rest, and with the plan's deploy surge. */
  readonly atRest: number;
  readonly duringDeploy: number;
  /** The slots ordinary roles may use; null when the target was not reached or is a pooler's console. */
  readonly usableSlots: number | null;
  /** The worst of the target's plan-fleet and plan-surge findings; null when neither was judged. */
  readonly status: Severity | null;
}

/**
 * A run over several targets (check-server, health or preflight with --db given more than once, or the
 * plan's targets): each target's report,
 * the plan's fleet against each one's budget, and every finding labelled with its target in the envelope,
 * which decides the exit code once for the whole run.
 */
export interface TargetsReport extends ReportEnvelope {
  readonly command: OneTargetReport['command'];
  readonly several: true;
  readonly target: null;
  readonly serverVersion: null;
  readonly targets: readonly TargetEntry[];
  /** Present when the plan has services. */
  readonly fleet: readonly FleetRow[] | null;
}
