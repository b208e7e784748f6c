import type { BenchReport, BenchRunReport } from '../bench-report.js';
import type { Chart } from '../document.js';
import { histogramChart, percentileMarks } from './histogram.js';

/** Requests per second between one pool sample and the one before it (the first: since the window began). */
function throughputs(run: BenchRunReport): (number | null)[] {
  const samples = run.measurement.pool.samples;
  return samples.map((s, i) => {
    const before = i === 0 ? { atMs: 0, completed: 0 } : samples[i - 1];
    if (s.completed === undefined || before?.completed === undefined || s.atMs <= before.atMs) return null;
    return Math.round(((s.completed - before.completed) / (s.atMs - before.atMs)) * 1000 * 10) / 10;
  });
}

/** Throughput and requests waiting for a connection over one run's measured window. */
function overTime(run: BenchRunReport, compared: boolean): Chart {
  const samples = run.measurement.pool.samples;
  return {
    title: `Throughput and waiting requests over time${compared ? `: ${run.pool.label}` : ''}`,
    x: { label: 'seconds into the window', unit: 's', values: samples.map((s) => s.atMs / 1000) },
    y: { label: 'throughput', unit: 'per-second' },
    y2: { label: 'waiting', unit: 'count' },
    series: [
      { label: 'requests/s', values: throughputs(run) },
      { label: 'waiting for a connection', axis: 'y2', draw: 'step', values: samples.map((s) => s.waiting) },
    ],
  };
}

/**
 * The distributions of acquisition waits and of totals (both pools of --compare overlaid, percentiles of
 * the pool under test marked), then each run's throughput and waiting requests over time.
 */
export function benchCharts(report: BenchReport): Chart[] {
  const runs = report.runs;
  const first = runs[0];
  if (!first) return [];
  const compared = runs.length > 1;
  const prefix = compared ? `${first.pool.label} ` : '';
  const distribution = (pick: 'acquire' | 'total', title: string): Chart[] => {
    const histograms = runs.map((r) => ({
      label: r.pool.label,
      bins: r.measurement.histograms?.[pick] ?? [],
    }));
    if (histograms.every((h) => h.bins.length === 0)) return [];
    return [histogramChart(title, histograms, percentileMarks(first.measurement[pick], prefix))];
  };
  return [
    ...distribution('acquire', 'Wait for a connection (acquisition)'),
    ...distribution('total', 'Total time per request (due to result)'),
    ...runs.filter((r) => r.measurement.pool.samples.length > 0).map((r) => overTime(r, compared)),
  ];
}
