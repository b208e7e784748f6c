import { bySeverity, type Finding, type Severity } from '../../core/findings.js';
import { titleWithTarget } from '../../core/targets.js';
import type { ReportEnvelope } from '../document.js';
import {
  findingName,
  fixTakesEffect,
  hintTitles,
  INI_TAKES_EFFECT,
  sessionsSummary,
  skippedName,
} from './finding-parts.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';

const LEVEL: Readonly<Record<Exclude<Severity, 'ok'>, AnnotationLevel>> = {
  critical: 'error',
  warning: 'warning',
  info: 'notice',
};

// The runner reads one command per line, so a raw newline would end the annotation early and let the
// rest of the text be read as a command of its own; `%` goes first so the escapes we add stay intact.
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

// `,` separates properties and `::` ends them, so in a property both must be escaped as well.
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function command(level: AnnotationLevel, title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

function findingMessage(finding: Finding): string {
  const parts = [titleWithTarget(finding)];
  if (finding.observed) parts.push(`observed: ${finding.observed}`);
  if (finding.expected) parts.push(`expected: ${finding.expected}`);
  const sessions = sessionsSummary(finding);
  if (sessions) parts.push(`sessions: ${sessions}`);
  const ini = finding.fix?.ini ?? [];
  if (ini.length > 0) parts.push(`fix: ${ini.join('; ')} (${INI_TAKES_EFFECT})`);
  const sql = finding.fix?.sql ?? [];
  if (sql.length > 0) {
    const when = fixTakesEffect(finding.fix);
    parts.push(`fix: ${sql.join(' ')}${when ? ` (${when})` : ''}`);
    if (finding.fix?.order) parts.push(`order: ${finding.fix.order}`);
  }
  const hints = hintTitles(finding);
  if (hints.length > 0) parts.push(`try: ${hints.join('; ')}`);
  return parts.join('; ');
}

/**
 * GitHub Actions workflow commands: an annotation per finding that needs attention, most severe first,
 * and a notice per check that could not run. Passing checks stay out of the way; ignored findings
 * are only counted, since the user already decided not to hear about them.
 */
export function renderGithubAnnotations(envelope: ReportEnvelope): string {
  const prefix = `pooltune ${envelope.command}`;
  const lines: string[] = [];
  for (const finding of bySeverity(envelope.findings)) {
    if (finding.severity === 'ok') continue;
    lines.push(
      command(LEVEL[finding.severity], `${prefix}: ${findingName(finding)}`, findingMessage(finding)),
    );
  }
  for (const skipped of envelope.skipped) {
    const enable = skipped.enableWith ? ` (to enable: ${skipped.enableWith})` : '';
    lines.push(
      command(
        'notice',
        `${prefix}: ${skippedName(skipped)} skipped`,
        `not checked: ${skipped.reason}${enable}`,
      ),
    );
  }
  const ignored = envelope.ignored ?? [];
  if (ignored.length > 0) {
    const ids = ignored.map((i) => findingName(i.finding)).join(', ');
    const count = ignored.length === 1 ? '1 finding' : `${ignored.length} findings`;
    lines.push(
      command('notice', `${prefix}: ignored findings`, `${count} ignored by the configuration: ${ids}`),
    );
  }
  return lines.map((line) => `${line}\n`).join('');
}
