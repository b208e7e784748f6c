import type { TrafficSizing } from '../../core/traffic-sizing.js';
import type { Chart, ChartMark } from '../document.js';

/**
 * Wait at the target percentile and P(wait) for each pool size the table shows, with the target line,
 * the chosen size and the guide's formula marked: where the curve crosses the line is the size needed.
 */
export function trafficSizingChart(sizing: TrafficSizing): Chart {
  const percentile = `p${sizing.targetPercentile}`;
  const marks: ChartMark[] = [
    {
      on: 'y',
      value: sizing.targetWaitMs,
      label: `target ${percentile} ≤ ${sizing.targetWaitMs} ms`,
      tone: 'warning',
    },
    { on: 'x', value: sizing.chosenPoolSize, label: `chosen ${sizing.chosenPoolSize}`, tone: 'ok' },
    {
      on: 'x',
      value: sizing.guide.poolSize,
      label: `guide's formula ${sizing.guide.poolSize}`,
      tone: 'info',
    },
  ];
  return {
    title: `Wait for a connection against pool size (${percentile} and P(wait))`,
    x: { label: 'pool size', unit: 'count', values: sizing.table.map((row) => row.poolSize) },
    y: { label: `${percentile} wait`, unit: 'ms' },
    y2: { label: 'P(wait)', unit: 'share' },
    series: [
      // null: every request waits and the queue grows without bound; there is no percentile to draw.
      { label: `${percentile} wait`, values: sizing.table.map((row) => row.percentileWaitMs) },
      { label: 'P(wait)', axis: 'y2', values: sizing.table.map((row) => row.waitProbability) },
    ],
    marks,
  };
}
