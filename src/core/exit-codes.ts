import { SEVERITY_RANK, type FailOn, type Finding } from './findings.js';

/** The exit-code contract, the same for every command (README, `--help`). */
export const EXIT_CODE = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  unreachable: 3,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/** 1 when any finding is at or above the `--fail-on` threshold, else 0. `never` always gives 0. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): ExitCode {
  if (failOn === 'never') return EXIT_CODE.ok;
  const threshold = SEVERITY_RANK[failOn];
  const failed = findings.some((f) => f.severity !== 'ok' && SEVERITY_RANK[f.severity] >= threshold);
  return failed ? EXIT_CODE.gateFailed : EXIT_CODE.ok;
}
