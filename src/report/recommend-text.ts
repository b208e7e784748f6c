import { renderFindingsSection } from './findings-text.js';
import type { RecommendReport, TrafficReport } from './recommend-report.js';
import {
  busyLine,
  measuredRows,
  modelName,
  POOL_TABLE_HEAD,
  poolTableRows,
  TABLE_LEGEND,
} from './recommend-traffic.js';
import { inputRows, settingRows, traceEquation, type Row } from './settings.js';
import type { RenderOptions, Style } from './style.js';
import { textTable } from './table.js';
import { wrap } from './wrap.js';

function rowsTable(rows: readonly Row[], head: readonly [string, string, string], style: Style): string {
  return textTable(
    head,
    rows.map((r) => [r.label, r.value, r.source]),
    style,
  );
}

function heading(text: string, style: Style): string {
  return style.bold(text);
}

/** What was measured, the busy connections, the table of pool sizes and why the size was chosen. */
function trafficSection(traffic: TrafficReport, style: Style, width: number): string[] {
  const out: string[] = [];
  const measured = traffic.measured;
  if (measured) {
    const rows = measuredRows(traffic);
    const labelWidth = Math.max(...rows.map((r) => r.label.length));
    out.push(heading(`Measured on database ${measured.database}`, style));
    for (const row of rows) out.push(`  ${row.label.padEnd(labelWidth)}  ${row.value}`);
    for (const caveat of measured.caveats)
      out.push(...wrap(caveat, width, `  ${style.dim('caveat:')} `, '          '));
    out.push('');
  }
  out.push(heading(`Sizing from traffic (${modelName(traffic)})`, style));
  out.push(...wrap(busyLine(traffic), width, '  ', '  '), '');
  out.push(textTable(POOL_TABLE_HEAD(traffic), poolTableRows(traffic), style));
  out.push(...wrap(style.dim(TABLE_LEGEND), width, '  ', '  '));
  out.push(...wrap(traffic.sizing.reason, width, '  ', '  '), '');
  return out;
}

/** The human report: inputs, settings with sources, the formula trace, the code, findings, hints. */
export function renderRecommendText(report: RecommendReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  const { recommendation, emitted } = report;
  if (!options.quiet) {
    out.push(heading('Inputs', style), rowsTable(inputRows(report), ['input', 'value', 'source'], style), '');
    if (report.traffic) out.push(...trafficSection(report.traffic, style, width));
    out.push(
      heading(`Recommended pool (${recommendation.workload})`, style),
      rowsTable(settingRows(recommendation), ['setting', 'value', 'source'], style),
      '',
    );
    const labelWidth = Math.max(...recommendation.trace.map((s) => s.label.length));
    out.push(heading('How the pool size was computed', style));
    for (const step of recommendation.trace) {
      out.push(`  ${step.label.padEnd(labelWidth)}  ${style.dim(step.formula)}`);
      out.push(`  ${' '.repeat(labelWidth)}  = ${traceEquation(step)}`);
    }
    out.push('');
  }
  out.push(heading(`Configuration (--emit ${emitted.emitter})`, style), '');
  out.push(
    ...emitted.code
      .trimEnd()
      .split('\n')
      .map((line) => (line === '' ? '' : `    ${line}`)),
    '',
  );
  if (!options.quiet && emitted.notes.length > 0) {
    for (const note of emitted.notes) out.push(...wrap(note, width, `  ${style.dim('note:')} `, '        '));
    out.push('');
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}
