import type { Finding, FindingId, Skipped } from '../findings.js';
import { GUIDE_CHECK_SETTINGS, type CheckInput, type CheckSettings, type FamilyName } from './input.js';
import type { CheckOutcome } from './types.js';

/** One check: pure, over its family's part of the input. */
export interface Check<F extends FamilyName = FamilyName> {
  /** Named after the finding it is about (or, for a check that can only be skipped, what it would judge). */
  readonly id: FindingId;
  /**
   * A check of another family that judges the same thing from better facts: when both run, this one does
   * not (health's utilisation gives way to check-server's slot usage in preflight).
   */
  readonly supersededBy?: FindingId;
  // A method, so that a family of one part is a family of any part; defineFamily ties run to its part.
  run(input: NonNullable<CheckInput[F]>, settings: CheckSettings): CheckOutcome;
}

export interface CheckFamily<F extends FamilyName = FamilyName> {
  readonly name: F;
  /** In report order. */
  readonly checks: readonly Check<F>[];
}

export function defineCheck<F extends FamilyName>(_family: F, check: Check<F>): Check<F> {
  return check;
}

export function defineFamily<F extends FamilyName>(name: F, checks: readonly Check<F>[]): CheckFamily<F> {
  return { name, checks };
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly skipped: Skipped[];
}

/**
 * Runs the families whose part of the input is present, in order, and each of their checks that no other
 * running check supersedes. A check skipped by several families is listed once, as the first one says it.
 */
export function runChecks(
  families: readonly CheckFamily[],
  input: CheckInput,
  settings: CheckSettings = GUIDE_CHECK_SETTINGS,
): CheckResult {
  const running = families.filter((family) => input[family.name] !== undefined);
  // A check gives way only to another family's: the plan's and the pooler's may name the same finding.
  const presentBesides = (own: CheckFamily) =>
    new Set(running.filter((f) => f !== own).flatMap((family) => family.checks.map((check) => check.id)));
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  for (const family of running) {
    const part = input[family.name];
    if (part === undefined) continue;
    const present = presentBesides(family);
    for (const check of family.checks) {
      if (check.supersededBy !== undefined && present.has(check.supersededBy)) continue;
      const outcome = check.run(part, settings);
      findings.push(...outcome.findings);
      for (const s of outcome.skipped) if (!skipped.some((t) => t.id === s.id)) skipped.push(s);
    }
  }
  return { findings, skipped };
}
