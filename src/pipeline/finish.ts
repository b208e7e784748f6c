import { exitCodeFor } from '../core/exit-codes.js';
import type { FailOn, Finding, IgnoredFinding } from '../core/findings.js';
import { applyIgnores } from '../core/ignore.js';
import type { IgnoreRule } from '../core/plan/config.js';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../ui/interrupt.js';

export interface Verdict {
  readonly findings: Finding[];
  readonly ignored: IgnoredFinding[];
  readonly exitCode: number;
}

export interface Gate {
  readonly failOn: FailOn;
  /** The plan's ignore rules, for the commands that honour them. */
  readonly ignore?: readonly IgnoreRule[];
  /** The signal that stopped the run early, if one did: its exit code (128 + its number) decides. */
  readonly stoppedBy?: StopSignal | null;
}

/** The end of every run: the ignores set findings aside, then the gate (or a stop) gives the exit code. */
export function verdict(all: readonly Finding[], gate: Gate): Verdict {
  const { findings, ignored } = applyIgnores(all, gate.ignore ?? []);
  const exitCode = gate.stoppedBy ? SIGNAL_EXIT_CODES[gate.stoppedBy] : exitCodeFor(findings, gate.failOn);
  return { findings, ignored, exitCode };
}
