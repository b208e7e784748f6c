import type { MonitorSample } from '../core/monitor/sample.js';

/** A sample as an NDJSON record (schemas/monitor-sample.schema.json). */
export function sampleRecord(sample: MonitorSample): Record<string, unknown> {
  return { type: 'sample', ...sample };
}

/** One NDJSON line per sample, written while the run lasts. */
export function renderMonitorSampleLine(sample: MonitorSample): string {
  return `${JSON.stringify(sampleRecord(sample))}\n`;
}
