import { renderFindingsSection } from './findings-text.js';
import type { RecommendReport } from './recommend-report.js';
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

/** The human report: inputs, settings with sources, the formula trace, the code, findings, hints. */
export function renderRecommendText(report: RecommendReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  const { recommendation, emitted } = report;
  if (!options.quiet) {
    out.push(heading('Inputs', style), rowsTable(inputRows(report), ['input', 'value', 'source'], style), '');
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
