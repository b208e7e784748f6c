import type { MonitorSample } from '../core/monitor/sample.js';
import { jsonReportDocument } from './json.js';
import type { MonitorReport } from './monitor-report.js';

/** One NDJSON line per sample (schemas/monitor-sample.schema.json). */
export function renderMonitorSampleLine(sample: MonitorSample): string {
  return `${JSON.stringify({ type: 'sample', ...sample })}\n`;
}

/** The last NDJSON line: the report envelope (schemas/report.schema.json) with the run and its figures. */
export function renderMonitorSummaryLine(report: MonitorReport, pooltuneVersion: string): string {
  const document = jsonReportDocument(report, { run: report.run, stats: report.stats }, pooltuneVersion);
  return `${JSON.stringify({ type: 'summary', ...document })}\n`;
}

/** The whole run as NDJSON, for a report file: every sample, then the summary. */
export function renderMonitorNdjson(report: MonitorReport, pooltuneVersion: string): string {
  return [
    ...report.samples.map(renderMonitorSampleLine),
    renderMonitorSummaryLine(report, pooltuneVersion),
  ].join('');
}
