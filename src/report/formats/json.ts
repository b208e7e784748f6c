import { summarize } from '../../core/findings.js';
import { sightingSummary } from '../../core/pooler/sighting.js';
import type { ReportDocument, ReportEnvelope } from '../document.js';

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const JSON_SCHEMA_VERSION = 1;

/** The envelope around a command's own fields, as an object (schemas/report.schema.json). */
export function jsonReportDocument(
  envelope: ReportEnvelope,
  body: Readonly<Record<string, unknown>>,
  pooltuneVersion: string,
): Record<string, unknown> {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    pooltuneVersion,
    command: envelope.command,
    target: envelope.target,
    serverVersion: envelope.serverVersion,
    pooler: envelope.pooler ? sightingSummary(envelope.pooler) : null,
    topology: envelope.topology ?? null,
    provider: envelope.provider ?? null,
    ...body,
    findings: envelope.findings,
    skipped: envelope.skipped,
    ignored: envelope.ignored ?? [],
    summary: summarize(envelope.findings, envelope.skipped),
    failOn: envelope.failOn,
    exitCode: envelope.exitCode,
  };
}

/**
 * Exactly one JSON document, or for a run that writes NDJSON, the report as its last line, of `"type":
 * "summary"` (the lines before it went out as they happened).
 */
export function renderJson(document: ReportDocument, pooltuneVersion: string): string {
  const report = jsonReportDocument(document.envelope, document.json.body, pooltuneVersion);
  if (!document.json.ndjson) return `${JSON.stringify(report, null, 2)}\n`;
  return `${JSON.stringify({ type: 'summary', ...report })}\n`;
}
