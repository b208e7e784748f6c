import { summarize, type Finding, type Fix, type Skipped } from '../../core/findings.js';
import { hintFor } from '../../core/hints.js';
import { plural } from '../document.js';

/** The finding's id, with what it is about when the id alone does not say. */
export function findingName(finding: Finding): string {
  return finding.subject ? `${finding.id} (${finding.subject})` : finding.id;
}

/** When a fix takes effect, for every format to say the same way; empty when it needs neither. */
export function fixTakesEffect(fix: Fix | undefined): string {
  if (fix?.restart) return 'needs a restart';
  if (fix?.reload) return 'applies on reload';
  return fix?.newSessions ? 'applies to new sessions' : '';
}

/** The titles of the hints a finding points at (the id where the catalogue has none). */
export function hintTitles(finding: Finding): string[] {
  return (finding.hints ?? []).map((id) => hintFor(id)?.title ?? id);
}

/** "2 ok, 1 note, 1 warning, 0 critical; 1 skipped" */
export function summaryLine(findings: readonly Finding[], skipped: readonly Skipped[]): string {
  const s = summarize(findings, skipped);
  const parts = [
    `${s.ok} ok`,
    plural(s.info, 'note'),
    plural(s.warning, 'warning'),
    `${s.critical} critical`,
  ];
  return `${parts.join(', ')}${s.skipped > 0 ? `; ${s.skipped} skipped` : ''}`;
}
