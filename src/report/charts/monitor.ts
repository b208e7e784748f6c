import { UTILISATION_CRITICAL_PERCENT, UTILISATION_WARNING_PERCENT } from '../../core/guide.js';
import { clockTime } from '../../core/monitor/clock.js';
import type { HistoryPoint } from '../../core/monitor/history.js';
import type { MonitorSummary } from '../../core/monitor/summary.js';
import type { Chart } from '../document.js';

const seconds = (points: readonly HistoryPoint[]) => ({
  label: 'seconds since the start',
  unit: 's' as const,
  values: points.map((p) => p.elapsedMs / 1000),
});

/** A long run's points each stand for several samples: the chart says so, as its points are their worst. */
function over(title: string, points: readonly HistoryPoint[]): string {
  const most = Math.max(1, ...points.map((p) => p.samples));
  return most === 1 ? title : `${title} (each point the worst of ${most} samples)`;
}

/** Utilisation per point in the guide's bands, the peak marked at the first point that reached it. */
function utilisationChart(points: readonly HistoryPoint[], stats: MonitorSummary): Chart {
  const { peakPercent, peakAt } = stats.utilisation;
  const peak = points.find((p) => p.utilisationPercent === peakPercent);
  return {
    title: over('Utilisation of the usable connection slots', points),
    x: seconds(points),
    y: { label: 'utilisation', unit: 'percent' },
    series: [{ label: 'utilisation', values: points.map((p) => p.utilisationPercent) }],
    bands: [
      {
        from: UTILISATION_WARNING_PERCENT,
        to: UTILISATION_CRITICAL_PERCENT,
        label: `warning ${UTILISATION_WARNING_PERCENT}–${UTILISATION_CRITICAL_PERCENT} %`,
        tone: 'warning',
      },
      {
        from: UTILISATION_CRITICAL_PERCENT,
        to: 100,
        label: `critical above ${UTILISATION_CRITICAL_PERCENT} %`,
        tone: 'critical',
      },
    ],
    marks:
      peak && peakPercent !== null
        ? [
            {
              on: 'x',
              value: peak.elapsedMs / 1000,
              label: `peak ${peakPercent} %${peakAt ? ` at ${clockTime(peakAt)} UTC` : ''}`,
              tone: 'info',
            },
          ]
        : [],
  };
}

/**
 * What monitor charts over the run's history: utilisation with the 70/85 % bands, new sessions per second
 * (14+) and the oldest idle-in-transaction session. Nothing without samples.
 */
export function monitorCharts(points: readonly HistoryPoint[], stats: MonitorSummary): Chart[] {
  if (points.length === 0) return [];
  const charts = [utilisationChart(points, stats)];
  if (points.some((p) => p.newSessionsPerSecond !== null))
    charts.push({
      title: over('New sessions per second', points),
      x: seconds(points),
      y: { label: 'new sessions', unit: 'per-second' },
      series: [{ label: 'new sessions/s', values: points.map((p) => p.newSessionsPerSecond) }],
    });
  charts.push({
    title: over('Oldest session idle in transaction', points),
    x: seconds(points),
    y: { label: 'age', unit: 's' },
    // null: no session was idle in a transaction at that point.
    series: [
      { label: 'oldest idle in transaction', values: points.map((p) => p.oldestIdleInTransactionSeconds) },
    ],
  });
  return charts;
}
