import type { LatencySummary } from '../core/health/percentiles.js';
import { findingsSectionMarkdown } from './findings-markdown.js';
import { HEALTH_AREAS, areaStatus, type HealthReport } from './health-report.js';
import { markdownTable } from './table.js';

const ms = (v: number) => String(Math.round(v * 1000) / 1000);
const row = (label: string, l: LatencySummary) => [
  label,
  ms(l.p50Ms),
  ms(l.p95Ms),
  ms(l.p99Ms),
  ms(l.maxMs),
  String(l.count),
];

/** A report for a pull-request comment or a CI step summary. */
export function renderHealthMarkdown(report: HealthReport): string {
  const status = areaStatus(report);
  const { connectivity, acquisition, queryLatency } = report.metrics;
  return [
    '## pooltune health',
    '',
    `${report.target} · PostgreSQL ${report.serverVersion} · probed in ${(report.probe.wallMs / 1000).toFixed(1)}s with at most ${report.probe.peakConnections} connections`,
    '',
    ...markdownTable(
      ['area', 'status'],
      HEALTH_AREAS.filter((a) => status.has(a)).map((a) => [a, String(status.get(a))]),
    ),
    '',
    ...markdownTable(
      ['latency (ms)', 'p50', 'p95', 'p99', 'max', 'samples'],
      [
        ['connect', ms(connectivity.medianMs), '', '', ms(connectivity.maxMs), String(connectivity.samples)],
        ...(acquisition && acquisition.acquisitions > 0 ? [row('acquisition wait', acquisition.waits)] : []),
        ...(queryLatency.latency.count > 0 ? [row('query', queryLatency.latency)] : []),
      ],
    ),
    '',
    ...findingsSectionMarkdown(report),
  ].join('\n');
}
