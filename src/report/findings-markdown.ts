import { bySeverity, type Finding, type IgnoredFinding, type Skipped } from '../core/findings.js';
import { hintFor } from '../core/hints.js';
import { summaryLine } from './findings-text.js';

/** Findings as a markdown list, most severe first, with fixes and hints under each. */
export function findingLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const f of bySeverity(findings)) {
    lines.push(`- **${f.severity}** — ${f.title}`);
    if (f.severity === 'ok') continue;
    if (f.observed) lines.push(`  - observed: ${f.observed}`);
    if (f.expected) lines.push(`  - expected: ${f.expected}`);
    for (const sql of f.fix?.sql ?? [])
      lines.push(`  - fix: \`${sql}\`${f.fix?.restart ? ' (needs a restart)' : ''}`);
    for (const id of f.hints ?? []) {
      const hint = hintFor(id);
      if (!hint) continue;
      lines.push(`  - ${hint.title}:`, ...hint.steps.map((s) => `    - ${s}`));
    }
  }
  return lines;
}

export function skippedLines(skipped: readonly Skipped[]): string[] {
  return skipped.map(
    (s) => `- **skipped** — ${s.id}: ${s.reason}${s.enableWith ? ` (to enable: \`${s.enableWith}\`)` : ''}`,
  );
}

/** The end of every markdown report: findings, skipped checks, and the summary with the exit code. */
export function findingsSectionMarkdown(report: {
  findings: readonly Finding[];
  skipped: readonly Skipped[];
  ignored?: readonly IgnoredFinding[];
  failOn: string;
  exitCode: number;
}): string[] {
  return [
    '### Findings',
    '',
    ...findingLines(report.findings),
    ...skippedLines(report.skipped),
    ...(report.ignored ?? []).map(
      ({ finding, reason }) =>
        `- **ignored** — ${finding.id}${finding.subject ? ` (${finding.subject})` : ''}: ${reason}`,
    ),
    '',
    `**${summaryLine(report.findings, report.skipped)}** (fails at \`${report.failOn}\`; exit ${report.exitCode})`,
    '',
  ];
}
