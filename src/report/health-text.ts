import type { LatencySummary } from '../core/health/percentiles.js';
import { formatDuration } from '../core/units.js';
import { renderFindingsSection } from './findings-text.js';
import { HEALTH_AREAS, areaStatus, type HealthArea, type HealthReport } from './health-report.js';
import type { RenderOptions, Style } from './style.js';
import { textTable } from './table.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));

function areaSummary(report: HealthReport, area: HealthArea): string {
  const { connectivity, utilisation, acquisition, queryLatency, churn } = report.metrics;
  switch (area) {
    case 'connectivity':
      return `fresh connection ${ms(connectivity.medianMs)}ms median of ${connectivity.samples}, max ${ms(connectivity.maxMs)}ms`;
    case 'utilisation': {
      const states = utilisation.canSeeOthers
        ? ` · active ${utilisation.active}, idle ${utilisation.idle}, idle in transaction ${utilisation.idleInTransaction}`
        : '';
      return `${utilisation.otherClients} of ${utilisation.usableSlots} usable slots in use (${utilisation.utilisationPercent} %)${states}`;
    }
    case 'acquisition':
      if (!acquisition || acquisition.poolSize === 0) return 'not probed: no free slot to spare';
      return `pool of ${acquisition.poolSize}: mean ${ms(acquisition.waits.meanMs)}ms, p99 ${ms(acquisition.waits.p99Ms)}ms over ${acquisition.acquisitions} acquisitions, ${acquisition.timeouts} timeouts`;
    case 'latency':
      return queryLatency.timedOut
        ? `${queryLatency.query}: ran into the statement timeout`
        : `${queryLatency.query}: p50 ${ms(queryLatency.latency.p50Ms)}ms, p99 ${ms(queryLatency.latency.p99Ms)}ms over ${queryLatency.latency.count}`;
    case 'churn':
      return churn
        ? `${churn.newSessionsPerSecond} new sessions/s from others over ${formatDuration(churn.windowMs)}`
        : 'not measured (PostgreSQL 14+)';
    case 'schema': {
      const summary =
        report.findings.find((f) => f.id === 'schema-migrations') ??
        report.findings.find((f) => f.id === 'schema-objects');
      return summary?.title ?? (report.schema ? `checked against ${report.schema}` : '');
    }
  }
}

function paintStatus(style: Style, status: string): string {
  if (status === 'critical') return style.red(style.bold(status));
  if (status === 'warning') return style.yellow(status);
  if (status === 'ok') return style.green(status);
  return style.dim(status);
}

function latencyRow(label: string, l: LatencySummary): string[] {
  return [label, ms(l.p50Ms), ms(l.p95Ms), ms(l.p99Ms), ms(l.maxMs), String(l.count)];
}

/** A compact report: a status line per area, a latency table, then findings and hints. */
export function renderHealthText(report: HealthReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const out: string[] = [];
  const { probe } = report;
  if (!options.quiet) {
    out.push(
      `${style.bold('Health')} of ${report.target} · PostgreSQL ${report.serverVersion} · probed in ${(probe.wallMs / 1000).toFixed(1)}s with at most ${probe.peakConnections} connection${probe.peakConnections === 1 ? '' : 's'}`,
      '',
    );
    const status = areaStatus(report);
    for (const area of HEALTH_AREAS) {
      const s = status.get(area);
      if (s === undefined) continue;
      out.push(
        `  ${area.padEnd(13)} ${paintStatus(style, s).padEnd(8 + (paintStatus(style, s).length - s.length))}  ${areaSummary(report, area)}`,
      );
    }
    out.push('');
    const { connectivity, acquisition, queryLatency } = report.metrics;
    const rows = [
      ['connect', ms(connectivity.medianMs), '', '', ms(connectivity.maxMs), String(connectivity.samples)],
      ...(acquisition && acquisition.acquisitions > 0
        ? [latencyRow('acquisition wait', acquisition.waits)]
        : []),
      ...(queryLatency.latency.count > 0 ? [latencyRow('query', queryLatency.latency)] : []),
    ];
    out.push(textTable(['latency (ms)', 'p50', 'p95', 'p99', 'max', 'samples'], rows, style), '');
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}
