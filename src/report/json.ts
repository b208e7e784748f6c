import { summarize } from '../core/findings.js';
import type { RecommendReport } from './recommend-report.js';

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const JSON_SCHEMA_VERSION = 1;

/** Exactly one JSON document for stdout. Durations are milliseconds; null means none. */
export function renderRecommendJson(report: RecommendReport, pooltuneVersion: string): string {
  const document = {
    schemaVersion: JSON_SCHEMA_VERSION,
    pooltuneVersion,
    command: report.command,
    target: report.target,
    serverVersion: report.serverVersion,
    inputs: report.inputs,
    recommendation: report.recommendation,
    emitted: report.emitted,
    findings: report.findings,
    skipped: report.skipped,
    summary: summarize(report.findings, report.skipped),
    failOn: report.failOn,
    exitCode: report.exitCode,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
