import type { MonitorSample } from '../core/monitor/sample.js';

/** A sample as one NDJSON line (schemas/monitor-sample.schema.json), written when it is taken. */
export function renderMonitorSampleLine(sample: MonitorSample): string {
  return `${JSON.stringify({ type: 'sample', ...sample })}\n`;
}
