import type { HistogramBin } from '../../core/histogram.js';
import type { LatencySummary } from '../../core/health/percentiles.js';
import { ms, type Chart, type ChartMark } from '../document.js';

/** The p50, p95 and p99 of a distribution as vertical lines. */
export function percentileMarks(latency: LatencySummary, prefix = ''): ChartMark[] {
  return [
    { on: 'x', value: latency.p50Ms, label: `${prefix}p50 ${ms(latency.p50Ms)} ms`, tone: 'ok' },
    { on: 'x', value: latency.p95Ms, label: `${prefix}p95 ${ms(latency.p95Ms)} ms`, tone: 'warning' },
    { on: 'x', value: latency.p99Ms, label: `${prefix}p99 ${ms(latency.p99Ms)} ms`, tone: 'critical' },
  ];
}

/**
 * Histograms as bars over a log axis of ms, one series each: the bins share a fixed grid
 * (core/histogram.ts), so each series has a count at every edge any of them has (0 where it has none).
 */
export function histogramChart(
  title: string,
  histograms: readonly { readonly label: string; readonly bins: readonly HistogramBin[] }[],
  marks: readonly ChartMark[],
): Chart {
  const edges = [...new Set(histograms.flatMap((h) => h.bins.map((b) => b.upToMs)))].sort((a, b) => a - b);
  return {
    title,
    x: { label: 'up to (ms)', unit: 'ms', log: true, values: edges },
    y: { label: 'requests', unit: 'count' },
    series: histograms.map((h) => {
      const counts = new Map(h.bins.map((b) => [b.upToMs, b.count]));
      return { label: h.label, draw: 'bars', values: edges.map((edge) => counts.get(edge) ?? 0) };
    }),
    marks,
  };
}
