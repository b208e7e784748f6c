import { UTILISATION_CRITICAL_PERCENT, UTILISATION_WARNING_PERCENT } from '../../core/guide.js';
import { clockTime } from '../../core/monitor/clock.js';
import type { MonitorSample } from '../../core/monitor/sample.js';
import type { MonitorSummary } from '../../core/monitor/summary.js';
import type { Chart } from '../document.js';

const seconds = (samples: readonly MonitorSample[]) => ({
  label: 'seconds since the start',
  unit: 's' as const,
  values: samples.map((s) => s.elapsedMs / 1000),
});

/** Utilisation per sample in the guide's bands, the peak marked where it was first reached. */
function utilisationChart(samples: readonly MonitorSample[], stats: MonitorSummary): Chart {
  const { peakPercent, peakAt } = stats.utilisation;
  const peak =
    samples.find((s) => s.at === peakAt) ?? samples.find((s) => s.utilisationPercent === peakPercent);
  return {
    title: 'Utilisation of the usable connection slots',
    x: seconds(samples),
    y: { label: 'utilisation', unit: 'percent' },
    series: [{ label: 'utilisation', values: samples.map((s) => s.utilisationPercent) }],
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
 * What monitor charts over the run: utilisation with the 70/85 % bands, new sessions per second (14+;
 * the first sample has no rate yet) and the oldest idle-in-transaction session. Nothing without samples.
 */
export function monitorCharts(samples: readonly MonitorSample[], stats: MonitorSummary): Chart[] {
  if (samples.length === 0) return [];
  const charts = [utilisationChart(samples, stats)];
  if (samples.some((s) => s.churn !== null))
    charts.push({
      title: 'New sessions per second',
      x: seconds(samples),
      y: { label: 'new sessions', unit: 'per-second' },
      series: [
        { label: 'new sessions/s', values: samples.map((s) => s.churn?.newSessionsPerSecond ?? null) },
      ],
    });
  charts.push({
    title: 'Oldest session idle in transaction',
    x: seconds(samples),
    y: { label: 'age', unit: 's' },
    // null: no session was idle in a transaction at that sample.
    series: [
      { label: 'oldest idle in transaction', values: samples.map((s) => s.oldestIdleInTransactionSeconds) },
    ],
  });
  return charts;
}
