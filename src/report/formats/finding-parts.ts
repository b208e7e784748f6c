import { summarize, type Finding, type Fix, type SessionRef, type Skipped } from '../../core/findings.js';
import { formatAge } from '../../core/units.js';
import { hintFor } from '../../core/hints.js';
import { plural } from '../document.js';

/** The finding's id, with what it is about when the id alone does not say. */
export function findingName(finding: Finding): string {
  const name = finding.subject ? `${finding.id} (${finding.subject})` : finding.id;
  return finding.target === undefined ? name : `[${finding.target}] ${name}`;
}

/** A skipped check's id, with the target it was skipped on in a run over several. */
export function skippedName(skipped: Skipped): string {
  return skipped.target === undefined ? skipped.id : `[${skipped.target}] ${skipped.id}`;
}

/** When a fix takes effect, for every format to say the same way; empty when it needs neither. */
export function fixTakesEffect(fix: Fix | undefined): string {
  if (fix?.restart) return 'needs a restart';
  if (fix?.reload) return 'applies on reload';
  return fix?.newSessions ? 'applies to new sessions' : '';
}

/** Where a fix's pgbouncer.ini lines go and when they apply, for every format to say the same way. */
export const INI_TAKES_EFFECT = 'pgbouncer.ini, then RELOAD on its admin console';

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

/** How many of a finding's sessions text and markdown list; JSON has them all. */
export const SESSIONS_SHOWN = 5;

/**
 * One session as every format names it: who (pid, role, application, client) and what (state, ages, wait,
 * blockers). What the role may not see is said to be hidden, never guessed.
 */
export function sessionLine(s: SessionRef): string {
  const who = [
    `pid ${s.pid}`,
    ...(s.role !== null ? [`role ${s.role}`] : []),
    ...(s.application !== null ? [`application ${JSON.stringify(s.application)}`] : []),
    ...(s.clientAddress !== null ? [`from ${s.clientAddress}`] : []),
  ].join(', ');
  const what = [
    s.state === null
      ? 'state hidden from this role'
      : `${s.state}${s.stateSeconds === null ? '' : ` for ${formatAge(s.stateSeconds)}`}`,
    ...(s.transactionSeconds !== null ? [`transaction ${formatAge(s.transactionSeconds)}`] : []),
    ...(s.querySeconds !== null ? [`query ${formatAge(s.querySeconds)}`] : []),
    ...(s.waitEvent !== null ? [`wait ${s.waitEvent}`] : []),
    ...(s.waitingOnLock
      ? [`lock wait ${s.lockWaitSeconds === null ? 'of unknown length' : formatAge(s.lockWaitSeconds)}`]
      : []),
    ...(s.blockedBy.length > 0 ? [`blocked by ${s.blockedBy.map((p) => `pid ${p}`).join(', ')}`] : []),
  ].join(', ');
  return `${who}: ${what}`;
}

/** The first SESSIONS_SHOWN sessions and, when there are more, how many were left out. */
export function shownSessions(finding: Finding): { shown: readonly SessionRef[]; more: number } {
  const all = finding.sessions ?? [];
  return { shown: all.slice(0, SESSIONS_SHOWN), more: Math.max(0, all.length - SESSIONS_SHOWN) };
}

export const moreSessions = (more: number) =>
  `… and ${more} more session${more === 1 ? '' : 's'} (all of them in --format json)`;

/** For one-line formats (GitHub, JUnit): how many sessions, and the worst. */
export function sessionsSummary(finding: Finding): string | undefined {
  const all = finding.sessions ?? [];
  const worst = all[0];
  if (!worst) return undefined;
  return `${all.length} session${all.length === 1 ? '' : 's'}, worst ${sessionLine(worst)}`;
}
