import type { Recommendation, TraceStep, ValueSource } from '../core/sizing.js';
import { formatDuration } from '../core/units.js';
import type { PoolSettings } from '../core/workload.js';
import type { RecommendReport } from './recommend-report.js';
import { trafficInputRows } from './recommend-traffic.js';

export interface Row {
  readonly label: string;
  readonly value: string;
  readonly source: string;
}

const LABELS: Readonly<Record<keyof PoolSettings, string>> = {
  maxConnections: 'max_connections',
  minConnections: 'min_connections',
  acquireTimeoutMs: 'acquire timeout',
  queryTimeoutMs: 'query timeout',
  idleTimeoutMs: 'idle timeout',
  maxLifetimeMs: 'max lifetime',
  testBeforeAcquire: 'test before acquire',
  retries: 'retries',
};

function displayValue(pool: PoolSettings, key: keyof PoolSettings): string {
  switch (key) {
    case 'maxConnections':
    case 'minConnections':
      return String(pool[key]);
    case 'acquireTimeoutMs':
      return formatDuration(pool.acquireTimeoutMs);
    case 'queryTimeoutMs':
    case 'idleTimeoutMs':
    case 'maxLifetimeMs': {
      const ms = pool[key];
      return ms === null ? 'none' : formatDuration(ms);
    }
    case 'testBeforeAcquire':
      return pool.testBeforeAcquire ? 'yes' : 'no';
    case 'retries': {
      const r = pool.retries;
      return `${r.maxRetries}, ${formatDuration(r.baseDelayMs)} → ${formatDuration(r.maxDelayMs)}`;
    }
  }
}

export function describeSource(source: ValueSource, workload: string): string {
  switch (source) {
    case 'preset':
      return `${workload} preset`;
    case 'formula':
      return 'formula';
    case 'flag':
      return 'flag';
    case 'default':
      return 'default';
    case 'server':
      return 'server';
    case 'plan':
      return 'pool plan';
    case 'traffic':
      return 'traffic model';
  }
}

/** The recommended settings in display order, each with where its value came from. */
export function settingRows(recommendation: Recommendation): Row[] {
  return (Object.keys(LABELS) as (keyof PoolSettings)[]).map((key) => ({
    label: LABELS[key],
    value: displayValue(recommendation.pool, key),
    source: describeSource(recommendation.sources[key], recommendation.workload),
  }));
}

/** The inputs the sizing used, each with its source. */
export function inputRows(report: RecommendReport): Row[] {
  const { inputs } = report;
  const rows: Row[] = [
    {
      label: 'workload',
      value: inputs.workload.value,
      source: inputs.workloadOrigin === inputs.workload.value ? 'built-in preset' : inputs.workloadOrigin,
    },
    ...(report.traffic ? trafficInputRows(report.traffic) : []),
    ...(report.traffic
      ? []
      : [
          inputs.concurrency
            ? {
                label: 'concurrency per instance',
                value: String(inputs.concurrency.value),
                source: inputs.concurrency.source,
              }
            : { label: 'concurrency per instance', value: 'not given', source: 'preset size stands' },
        ]),
    { label: 'instances', value: String(inputs.instances.value), source: inputs.instances.source },
    {
      label: 'server max_connections',
      value: String(inputs.serverMaxConnections.value),
      source: inputs.serverMaxConnections.source,
    },
  ];
  if (inputs.reservedConnections.value > 0 || inputs.reservedConnections.source !== 'default') {
    rows.push({
      label: 'reserved slots',
      value: String(inputs.reservedConnections.value),
      source: inputs.reservedConnections.source,
    });
  }
  if (inputs.otherConnections.value > 0 || inputs.otherConnections.source !== 'default') {
    rows.push({
      label: 'held by others',
      value: String(inputs.otherConnections.value),
      source: inputs.otherConnections.source,
    });
  }
  return rows;
}

/** `floor(100 × 0.8) = floor(80) = 80`, without repeating a computation that is already the value. */
export function traceEquation(step: TraceStep): string {
  const value = String(step.value);
  return step.computation === value ? value : `${step.computation} = ${value}`;
}
