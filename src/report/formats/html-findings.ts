import { bySeverity, type Finding } from '../../core/findings.js';
import { hintFor } from '../../core/hints.js';
import { titleWithTarget } from '../../core/targets.js';
import type { ReportEnvelope } from '../document.js';
import { escapeHtml as e } from './html-escape.js';
import {
  findingName,
  fixTakesEffect,
  fixSteps,
  INI_TAKES_EFFECT,
  moreSessions,
  sessionLine,
  shownSessions,
  skippedName,
  summaryLine,
} from './finding-parts.js';

const item = (label: string, body: string) => `<li><span class="dim">${e(label)}:</span> ${body}</li>`;

/** One finding: severity, title, then what was seen, expected, the sessions, the fix and the hints. */
function findingHtml(f: Finding): string {
  const details: string[] = [];
  if (f.severity !== 'ok') {
    if (f.observed) details.push(item('observed', e(f.observed)));
    if (f.expected) details.push(item('expected', e(f.expected)));
    const { shown, more } = shownSessions(f);
    for (const session of shown) {
      const query = session.query === undefined ? '' : `<br><code>${e(session.query)}</code>`;
      details.push(item('session', `${e(sessionLine(session))}${query}`));
    }
    if (more > 0) details.push(`<li>${e(moreSessions(more))}</li>`);
    const ini = f.fix?.ini ?? [];
    ini.forEach((line, i) =>
      details.push(
        item('fix', `<code>${e(line)}</code>${i === ini.length - 1 ? ` (${e(INI_TAKES_EFFECT)})` : ''}`),
      ),
    );
    const sql = fixSteps(f.fix);
    const when = fixTakesEffect(f.fix);
    sql.forEach((statement, i) =>
      details.push(
        item('fix', `<code>${e(statement)}</code>${when && i === sql.length - 1 ? ` (${e(when)})` : ''}`),
      ),
    );
    if (f.fix?.order) details.push(item('order', e(f.fix.order)));
    if (f.fix?.where) details.push(item('where', e(f.fix.where)));
    for (const id of f.hints ?? []) {
      const hint = hintFor(id);
      if (!hint) continue;
      details.push(
        `<li>${e(hint.title)}:<ul>${hint.steps.map((s) => `<li>${e(s)}</li>`).join('')}</ul></li>`,
      );
    }
  }
  return [
    `<li class="finding" data-id="${e(f.id)}"><span class="severity tone-${f.severity}">${f.severity}</span> `,
    e(titleWithTarget(f)),
    details.length === 0 ? '' : `<ul>${details.join('')}</ul>`,
    '</li>',
  ].join('');
}

/** Findings as a list, most severe first. */
export function findingsListHtml(findings: readonly Finding[]): string {
  return `<ul class="findings">${bySeverity(findings).map(findingHtml).join('')}</ul>`;
}

/** The report's findings, skipped checks and ignored findings, and the summary with the exit code. */
export function findingsSectionHtml(envelope: ReportEnvelope): string {
  const skipped = envelope.skipped.map(
    (s) =>
      `<li><span class="severity tone-skipped">skipped</span> ${e(skippedName(s))}: ${e(s.reason)}${s.enableWith ? ` (to enable: <code>${e(s.enableWith)}</code>)` : ''}</li>`,
  );
  const ignored = (envelope.ignored ?? []).map(
    ({ finding, reason }) =>
      `<li><span class="severity tone-skipped">ignored</span> ${e(findingName(finding))}: ${e(reason)}</li>`,
  );
  return [
    '<section class="findings-section" aria-labelledby="findings">',
    '<h2 id="findings">Findings</h2>',
    findingsListHtml(envelope.findings),
    skipped.length + ignored.length === 0
      ? ''
      : `<ul class="findings">${[...skipped, ...ignored].join('')}</ul>`,
    `<p class="summary"><strong>${e(summaryLine(envelope.findings, envelope.skipped))}</strong> (fails at <code>${e(envelope.failOn)}</code>; exit ${envelope.exitCode})</p>`,
    '</section>',
  ].join('\n');
}
