/**
 * The series `monitor --listen` serves, kept in prom-client's registry: one gauge or counter per name in
 * core/metrics/names.ts, every one labelled by target. prom-client is loaded here only, so that no other
 * command (nor monitor without --listen) pays for it at start-up.
 */
import type { Counter, Gauge } from 'prom-client';
import { TARGET_LABEL, type PooltuneMetric } from '../core/metrics/names.js';
import {
  CONNECTION_STATES,
  METRIC_SPECS,
  STATE_GAUGES,
  type MetricValue,
} from '../core/metrics/sample-metrics.js';
import { POOLTUNE_METRICS as M, STATE_LABEL } from '../core/metrics/names.js';

export interface MetricsRegistry {
  /** A sample of `target` was taken: its values, and how long it took. */
  sampled(
    target: string,
    values: { set: readonly MetricValue[]; add: readonly MetricValue[] },
    seconds: number,
  ): void;
  /** `target` could not be read: pooltune_up 0, and its state gauges dropped so that none goes stale. */
  down(target: string, seconds: number | undefined): void;
  /** The exposition, in the Prometheus text format. */
  text(): Promise<string>;
  readonly contentType: string;
}

export async function createMetricsRegistry(): Promise<MetricsRegistry> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  const series = new Map<PooltuneMetric, Gauge | Counter>();
  for (const [name, spec] of Object.entries(METRIC_SPECS) as [
    PooltuneMetric,
    (typeof METRIC_SPECS)[PooltuneMetric],
  ][]) {
    const config = {
      name,
      help: spec.help,
      labelNames: [TARGET_LABEL, ...spec.labels],
      registers: [registry],
    };
    series.set(name, spec.type === 'gauge' ? new client.Gauge(config) : new client.Counter(config));
  }
  const gauge = (name: PooltuneMetric) => series.get(name) as Gauge;
  const counter = (name: PooltuneMetric) => series.get(name) as Counter;
  const drop = (target: string, name: PooltuneMetric) => {
    if (name === M.clientConnections)
      for (const state of CONNECTION_STATES)
        gauge(name).remove({ [TARGET_LABEL]: target, [STATE_LABEL]: state });
    else gauge(name).remove({ [TARGET_LABEL]: target });
  };
  return {
    sampled: (target, values, seconds) => {
      for (const v of values.set) gauge(v.metric).set({ ...v.labels, [TARGET_LABEL]: target }, v.value);
      for (const v of values.add) counter(v.metric).inc({ ...v.labels, [TARGET_LABEL]: target }, v.value);
      // A gauge this sample has no value for (the pooler's, when its console stopped answering) is dropped.
      const present = new Set(values.set.map((v) => v.metric));
      for (const name of STATE_GAUGES) if (!present.has(name)) drop(target, name);
      gauge(M.up).set({ [TARGET_LABEL]: target }, 1);
      gauge(M.sampleDuration).set({ [TARGET_LABEL]: target }, seconds);
    },
    down: (target, seconds) => {
      for (const name of STATE_GAUGES) drop(target, name);
      gauge(M.up).set({ [TARGET_LABEL]: target }, 0);
      if (seconds !== undefined) gauge(M.sampleDuration).set({ [TARGET_LABEL]: target }, seconds);
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
