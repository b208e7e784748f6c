import { serverLine, settingStatusRows, type CheckServerReport } from './check-server-report.js';
import { renderFindingsSection } from './findings-text.js';
import type { RenderOptions } from './style.js';
import { textTable } from './table.js';

/** The human report: the server in one line, the settings table, then findings and hints. */
export function renderCheckServerText(report: CheckServerReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  if (!options.quiet) {
    out.push(style.bold('Server'), `  ${serverLine(report)}`, '');
    const rows = settingStatusRows(report.findings);
    if (rows.length > 0) {
      out.push(
        style.bold(`Settings (judged for the ${report.plan.workload} workload)`),
        textTable(
          ['setting', 'current', 'recommended', 'status'],
          rows.map((r) => [r.name, r.current, r.recommended, r.status]),
          style,
        ),
        '',
      );
    }
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}
