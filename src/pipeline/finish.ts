import { exitCodeFor } from '../core/exit-codes.js';
import type { FailOn, Finding, IgnoredFinding, Skipped } from '../core/findings.js';
import { applyIgnores } from '../core/ignore.js';
import type { IgnoreRule } from '../core/plan/config.js';
import type { ServerFacts } from '../core/server-facts.js';
import { withApplyOrder } from '../core/topology/order.js';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../ui/interrupt.js';

/** The judgement part of every report's envelope. */
export interface Verdict {
  readonly findings: Finding[];
  readonly skipped: Skipped[];
  /** Present for the commands that honour the plan's ignore rules. */
  readonly ignored?: IgnoredFinding[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

export interface Gate {
  readonly failOn: FailOn;
  /** The plan's ignore rules, for the commands that honour them. */
  readonly ignore?: readonly IgnoreRule[];
  /** The signal that stopped the run early, if one did: its exit code (128 + its number) decides. */
  readonly stoppedBy?: StopSignal | null;
  /** The server the fixes are for: on a standby or a primary with standbys, they say in which order to apply. */
  readonly server?: ServerFacts;
}

interface Checked {
  readonly findings: readonly Finding[];
  readonly skipped?: readonly Skipped[];
}

/**
 * The end of every run: fixes get their apply order, the ignores set findings aside, then the gate (or a
 * stop) gives the exit code. The
 * result is spread into the report, so that every command's envelope is filled the same way.
 */
export function verdict(
  checked: Checked,
  gate: Gate & { readonly ignore: readonly IgnoreRule[] },
): Verdict & { readonly ignored: IgnoredFinding[] };
export function verdict(checked: Checked, gate: Gate): Verdict;
export function verdict(checked: Checked, gate: Gate): Verdict {
  const ordered = gate.server ? withApplyOrder(checked.findings, gate.server) : checked.findings;
  const { findings, ignored } = applyIgnores(ordered, gate.ignore ?? []);
  const exitCode = gate.stoppedBy ? SIGNAL_EXIT_CODES[gate.stoppedBy] : exitCodeFor(findings, gate.failOn);
  return {
    findings,
    skipped: [...(checked.skipped ?? [])],
    ...(gate.ignore === undefined ? {} : { ignored }),
    failOn: gate.failOn,
    exitCode,
  };
}
