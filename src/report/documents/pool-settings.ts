import type { Recommendation, TraceStep, ValueSource } from '../../core/sizing.js';
import { formatDuration } from '../../core/units.js';
import type { PoolSettings } from '../../core/workload.js';
import { code, type Inline } from '../document.js';

/** A value with where it came from, shown as a table row with the value marked as code. */
export interface Row {
  readonly label: string;
  readonly value: string;
  readonly source: string;
}

export function rowCells(rows: readonly Row[]): Inline[][] {
  return rows.map((r) => [r.label, code(r.value), r.source]);
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
    case 'prompt':
      return 'prompt';
    case 'default':
      return 'default';
    case 'server':
      return 'server';
    case 'plan':
      return 'pool plan';
    case 'traffic':
      return 'traffic model';
    case 'pooler':
      return "pooler's console";
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

/** `floor(100 × 0.8) = floor(80) = 80`, without repeating a computation that is already the value. */
export function traceEquation(step: TraceStep): string {
  const value = String(step.value);
  return step.computation === value ? value : `${step.computation} = ${value}`;
}
