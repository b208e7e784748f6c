import { describeLoad } from '../core/bench/load.js';
import { formatDuration } from '../core/units.js';
import { comparisonRows, type BenchReport } from './bench-report.js';
import { renderFindingsSection, renderFindingsText } from './findings-text.js';
import type { RenderOptions } from './style.js';
import { textTable } from './table.js';
import { wrap } from './wrap.js';

/** The load, one column per configuration, then the findings of the configuration under test. */
export function renderBenchText(report: BenchReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  if (!options.quiet) {
    const first = report.runs[0]?.measurement;
    out.push(
      `${style.bold('Bench')} of ${report.target} · PostgreSQL ${report.serverVersion}`,
      ...wrap(
        `${describeLoad(report.load)}; ${((first?.windowMs ?? 0) / 1000).toFixed(1)}s measured after ${formatDuration(report.load.warmupMs)} of warm-up${report.stoppedBy ? ` (stopped early by ${report.stoppedBy})` : ''}`,
        width,
        'Load: ',
        '      ',
      ),
      '',
      textTable(
        ['', ...report.runs.map((r) => r.pool.label)],
        comparisonRows(report).map((row) => [row.label, ...row.values]),
        style,
      ),
      style.dim('  times in ms; "waited": no idle connection was ready when the request asked'),
      '',
    );
    for (const other of report.runs.slice(1)) {
      const lines = renderFindingsText(other.findings, [], style, width, true);
      if (lines.length > 0)
        out.push(
          style.bold(`Compared: ${other.pool.label}`),
          ...lines,
          style.dim('  (not part of the exit code)'),
          '',
        );
    }
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}
