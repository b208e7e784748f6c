import type { QueryLatencyMetrics } from '../../core/health/metrics.js';
import type { Chart } from '../document.js';
import { histogramChart, percentileMarks } from './histogram.js';

/** The probe query's round trips as a distribution, p50/p95/p99 marked; none when it was not measured. */
export function healthCharts(queryLatency: QueryLatencyMetrics): Chart[] {
  const bins = queryLatency.histogram ?? [];
  if (bins.length === 0) return [];
  return [
    histogramChart(
      `Round trips of ${queryLatency.query}`,
      [{ label: 'round trips', bins }],
      percentileMarks(queryLatency.latency),
    ),
  ];
}
