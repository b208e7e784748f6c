import type { FindingId } from './finding-ids.js';
import type { HintId } from './hints.js';
import type { SessionRef } from './sessions/roster.js';

export type { FindingId } from './finding-ids.js';
export type { HintId } from './hints.js';
export type { SessionRef } from './sessions/roster.js';

/** How bad a finding is. `ok` records a check that passed, so reports can show what was verified. */
export const SEVERITIES = ['ok', 'info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FAIL_ON_LEVELS = ['info', 'warning', 'critical', 'never'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { ok: 0, info: 1, warning: 2, critical: 3 };

/** What a finding proposes; SQL is printed for a human to run, never executed by pooltune. */
export interface Fix {
  readonly sql?: readonly string[];
  /** Takes effect only after a server restart. */
  readonly restart?: boolean;
  /** Takes effect after a reload (pg_reload_conf), for new sessions. */
  readonly reload?: boolean;
  /** Takes effect, with no reload, for sessions that start afterwards (ALTER ROLE / ALTER DATABASE … SET). */
  readonly newSessions?: boolean;
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * pgbouncer.ini lines to set, in `[pgbouncer]` unless a line says otherwise; lines starting with `;` are
   * comments (alternatives). Every setting pooltune proposes there takes effect on PgBouncer's RELOAD.
   */
  readonly ini?: readonly string[];
  /**
   * The order to apply the fix in across a primary and its standbys, when it changes a setting a standby
   * must keep at least as high as its primary's (max_connections and kin): core/topology/order.ts.
   */
  readonly order?: string;
}

/** The server setting a finding is about, for the settings table. */
export interface SettingSubject {
  readonly name: string;
  readonly current: string;
  readonly recommended: string;
}

/** The one shape every check produces and every renderer consumes. */
export interface Finding {
  /** Stable kebab-case id, e.g. `budget-shortfall`; baselines and ignores match on it (core/finding-ids.ts). */
  readonly id: FindingId;
  readonly severity: Severity;
  /** One line, in the domain's words. */
  readonly title: string;
  readonly observed?: string;
  readonly expected?: string;
  readonly fix?: Fix;
  /** Ids into the troubleshooting catalogue (core/hints.ts). */
  readonly hints?: readonly HintId[];
  readonly setting?: SettingSubject;
  /** What the finding is about when the id alone does not say, e.g. the service of a pool plan. */
  readonly subject?: string;
  /** The sessions behind a session finding, worst first: every one of them (text shows the first few). */
  readonly sessions?: readonly SessionRef[];
  /** In a run over several targets, the name of the one the finding is about. */
  readonly target?: string;
}

/** A finding the user chose to ignore (in the config file), with their reason; it never fails the gate. */
export interface IgnoredFinding {
  readonly finding: Finding;
  readonly reason: string;
}

/** A check that could not run, with the reason and what would let it run. Never a silent "ok". */
export interface Skipped {
  readonly id: FindingId;
  readonly reason: string;
  readonly enableWith?: string;
  /** In a run over several targets, the name of the one the check was skipped on. */
  readonly target?: string;
}

export interface Summary {
  readonly ok: number;
  readonly info: number;
  readonly warning: number;
  readonly critical: number;
  readonly skipped: number;
}

export function summarize(findings: readonly Finding[], skipped: readonly Skipped[] = []): Summary {
  const counts = { ok: 0, info: 0, warning: 0, critical: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return { ...counts, skipped: skipped.length };
}

/** Most severe first, stable within a severity. */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
