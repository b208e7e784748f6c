import { clockTime } from '../core/monitor/findings.js';
import { formatDuration } from '../core/units.js';
import { findingsSectionMarkdown } from './findings-markdown.js';
import { sparkBar, type MonitorReport } from './monitor-report.js';
import { markdownTable } from './table.js';

const MAX_BARS = 120;

/** The run's summary for a pull-request comment or a CI step summary. */
export function renderMonitorMarkdown(report: MonitorReport): string {
  const { run, stats } = report;
  const u = stats.utilisation;
  const c = stats.churn;
  const value = (v: number | null, unit = '') => (v === null ? '–' : `${v}${unit}`);
  return [
    '## pooltune monitor',
    '',
    `${report.target} · PostgreSQL ${report.serverVersion} · ${stats.samples} samples every ${formatDuration(run.intervalMs)}${run.stoppedBy === 'duration' ? '' : ` · stopped by ${run.stoppedBy}`}`,
    '',
    ...(report.samples.length > 0
      ? [
          `Utilisation: \`${report.samples
            .slice(-MAX_BARS)
            .map((s) => sparkBar(s.utilisationPercent))
            .join('')}\``,
          '',
        ]
      : []),
    ...markdownTable(
      ['figure', 'value'],
      [
        [
          'utilisation peak',
          `${value(u.peakPercent, ' %')} (${value(u.peakClients)} of ${value(u.usableSlots)} at ${clockTime(u.peakAt)} UTC)`,
        ],
        ['utilisation mean / p95', `${value(u.meanPercent, ' %')} / ${value(u.p95Percent, ' %')}`],
        [
          'new sessions (peak per second)',
          c ? `${c.newSessions} (${c.peakPerSecond}/s)` : 'not measured (PostgreSQL 14+)',
        ],
        ['ended abnormally', c ? `${c.abandoned} abandoned, ${c.fatal} fatal, ${c.killed} killed` : '–'],
        [
          'idle in transaction (peak, oldest)',
          `${stats.idleInTransaction.peak}, ${value(stats.idleInTransaction.oldestSeconds, 's')}`,
        ],
        ['longest query', value(stats.longestQuerySeconds, 's')],
        ['lock waits (peak)', String(stats.waitingOnLocks.peak)],
      ],
    ),
    '',
    ...findingsSectionMarkdown(report),
  ].join('\n');
}
