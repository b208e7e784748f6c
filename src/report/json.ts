import { summarize, type FailOn, type Finding, type IgnoredFinding, type Skipped } from '../core/findings.js';
import type { RecommendReport } from './recommend-report.js';

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const JSON_SCHEMA_VERSION = 1;

/** The fields every command's JSON report has. */
export interface ReportEnvelope {
  readonly command: string;
  readonly target: string | null;
  readonly serverVersion: string | null;
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  /** Findings the config file ignores, with the reason; absent when there are none. */
  readonly ignored?: readonly IgnoredFinding[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

/** The envelope around a command's own fields, as an object (monitor writes it as one NDJSON line). */
export function jsonReportDocument(
  envelope: ReportEnvelope,
  body: Record<string, unknown>,
  pooltuneVersion: string,
): Record<string, unknown> {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    pooltuneVersion,
    command: envelope.command,
    target: envelope.target,
    serverVersion: envelope.serverVersion,
    ...body,
    findings: envelope.findings,
    skipped: envelope.skipped,
    ignored: envelope.ignored ?? [],
    summary: summarize(envelope.findings, envelope.skipped),
    failOn: envelope.failOn,
    exitCode: envelope.exitCode,
  };
}

/** Exactly one JSON document for stdout: the envelope around a command's own fields. */
export function renderJsonReport(
  envelope: ReportEnvelope,
  body: Record<string, unknown>,
  pooltuneVersion: string,
): string {
  return `${JSON.stringify(jsonReportDocument(envelope, body, pooltuneVersion), null, 2)}\n`;
}

/** Durations are milliseconds; null means none. */
export function renderRecommendJson(report: RecommendReport, pooltuneVersion: string): string {
  return renderJsonReport(
    report,
    {
      inputs: report.inputs,
      recommendation: report.recommendation,
      traffic: report.traffic ?? null,
      emitted: report.emitted,
    },
    pooltuneVersion,
  );
}
