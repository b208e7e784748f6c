import { serverLine, settingStatusRows, type CheckServerReport } from './check-server-report.js';
import { findingsSectionMarkdown } from './findings-markdown.js';
import { markdownTable } from './table.js';

/** A report for a pull-request comment or a CI step summary. */
export function renderCheckServerMarkdown(report: CheckServerReport): string {
  const rows = settingStatusRows(report.findings);
  return [
    `## pooltune check-server`,
    '',
    serverLine(report),
    '',
    `### Settings (judged for the ${report.plan.workload} workload)`,
    '',
    ...markdownTable(
      ['setting', 'current', 'recommended', 'status'],
      rows.map((r) => [r.name, `\`${r.current}\``, `\`${r.recommended}\``, r.status]),
    ),
    '',
    ...findingsSectionMarkdown(report),
  ].join('\n');
}
