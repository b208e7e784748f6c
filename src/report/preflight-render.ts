import { renderFindingsSection } from './findings-text.js';
import type { PreflightReport } from './preflight-report.js';
import type { RenderOptions } from './style.js';
import { markdownTable, textTable } from './table.js';
import { findingsSectionMarkdown } from './findings-markdown.js';

const planCells = (report: PreflightReport) =>
  report.plan.map((r) => [r.service, r.workload, String(r.instances), String(r.poolMax), String(r.total)]);
const PLAN_HEAD = ['service', 'workload', 'instances', 'pool max', 'connections'];

function serverLine(report: PreflightReport): string {
  const s = report.server;
  const needed = report.plan.reduce((n, r) => n + r.total, 0);
  return `${report.target} · PostgreSQL ${report.serverVersion} · max_connections ${s.maxConnections}, ${s.reservedSlots} reserved, ${s.usableSlots} usable, ${s.heldNow} held now · the plan needs ${needed}`;
}

/** The plan, then one list of findings from the server checks, the health probe and the plan checks. */
export function renderPreflightText(report: PreflightReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  if (!options.quiet) {
    out.push(`${style.bold('Preflight')} of ${report.configFile}`, `  ${serverLine(report)}`, '');
    out.push(textTable(PLAN_HEAD, planCells(report), style), '');
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}

export function renderPreflightMarkdown(report: PreflightReport): string {
  return [
    `## pooltune preflight: ${report.configFile}`,
    '',
    serverLine(report),
    '',
    ...markdownTable(PLAN_HEAD, planCells(report)),
    '',
    ...findingsSectionMarkdown(report),
  ].join('\n');
}
