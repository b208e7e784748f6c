import { describeLoad } from '../core/bench/load.js';
import { formatDuration } from '../core/units.js';
import { comparisonRows, type BenchReport } from './bench-report.js';
import { findingLines, findingsSectionMarkdown } from './findings-markdown.js';
import { markdownTable } from './table.js';

/** A report for a pull-request comment or a CI step summary. */
export function renderBenchMarkdown(report: BenchReport): string {
  const measured = report.runs[0]?.measurement.windowMs ?? 0;
  const compared = report.runs
    .slice(1)
    .flatMap((run) =>
      run.findings.some((f) => f.severity !== 'ok')
        ? [
            `### Compared: ${run.pool.label} (not part of the exit code)`,
            '',
            ...findingLines(run.findings),
            '',
          ]
        : [],
    );
  return [
    '## pooltune bench',
    '',
    `${report.target} · PostgreSQL ${report.serverVersion}`,
    '',
    `Load: ${describeLoad(report.load)}; ${(measured / 1000).toFixed(1)}s measured after ${formatDuration(report.load.warmupMs)} of warm-up${report.stoppedBy ? ` (stopped early by ${report.stoppedBy})` : ''}.`,
    '',
    ...markdownTable(
      ['', ...report.runs.map((r) => r.pool.label)],
      comparisonRows(report).map((row) => [row.label, ...row.values]),
    ),
    '',
    'Times in ms.',
    '',
    ...compared,
    ...findingsSectionMarkdown(report),
  ].join('\n');
}
