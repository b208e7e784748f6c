import { bySeverity, type Finding, type Severity, type Skipped } from '../../core/findings.js';
import { titleWithTarget } from '../../core/targets.js';
import { hintFor } from '../../core/hints.js';
import type { ReportEnvelope } from '../document.js';
import type { Style } from '../style.js';
import {
  findingName,
  fixTakesEffect,
  hintTitles,
  INI_TAKES_EFFECT,
  moreSessions,
  sessionLine,
  shownSessions,
  summaryLine,
  skippedName,
} from './finding-parts.js';
import { paint } from './text-inline.js';
import { wrap } from './wrap.js';

const MARK: Readonly<Record<Severity, string>> = {
  ok: 'ok',
  info: 'info',
  warning: 'warning',
  critical: 'critical',
};

/** Findings, most severe first, each with what was seen, what was expected and the fix. */
export function findingsText(
  findings: readonly Finding[],
  skipped: readonly Skipped[],
  style: Style,
  width: number,
  quiet = false,
): string[] {
  const lines: string[] = [];
  const shown = bySeverity(findings).filter((f) => !quiet || f.severity !== 'ok');
  const markWidth = Math.max(...shown.map((f) => MARK[f.severity].length), 0);
  for (const f of shown) {
    const indent = ' '.repeat(markWidth + 4);
    lines.push(
      ...wrap(
        titleWithTarget(f),
        width,
        `  ${paint(style, f.severity, MARK[f.severity].padEnd(markWidth))}  `,
        indent,
      ),
    );
    const detail = (label: string, text: string) =>
      lines.push(...wrap(text, width, `${indent}${style.dim(`${label}:`)} `, `${indent}  `));
    if (f.severity !== 'ok') {
      if (f.observed) detail('observed', f.observed);
      if (f.expected) detail('expected', f.expected);
      const { shown, more } = shownSessions(f);
      for (const session of shown) {
        detail('session', sessionLine(session));
        if (session.query !== undefined) detail('  query', session.query);
      }
      if (more > 0) lines.push(...wrap(moreSessions(more), width, indent, `${indent}  `));
    }
    // pgbouncer.ini lines first: where a fix has both, the SQL is the alternative on the server's side.
    const ini = f.fix?.ini ?? [];
    ini.forEach((line, i) =>
      lines.push(
        `${indent}${style.dim(i === 0 ? 'fix:' : '    ')} ${line}${i === ini.length - 1 ? style.dim(`  (${INI_TAKES_EFFECT})`) : ''}`,
      ),
    );
    const sql = f.fix?.sql ?? [];
    const when = fixTakesEffect(f.fix);
    const applies = when ? `  (${when})` : '';
    sql.forEach((statement, i) =>
      lines.push(
        `${indent}${style.dim(i === 0 && ini.length === 0 ? 'fix:' : '    ')} ${statement}${i === sql.length - 1 ? style.dim(applies) : ''}`,
      ),
    );
    if (f.fix?.order) detail('order', f.fix.order);
    const hints = hintTitles(f);
    if (hints.length > 0) detail('try', `${hints.join('; ')} (see Hints)`);
  }
  for (const s of skipped) {
    lines.push(
      `  ${style.dim('skipped')}  ${skippedName(s)}: ${s.reason}${s.enableWith ? ` (${s.enableWith})` : ''}`,
    );
  }
  return lines;
}

/** Each hint the findings point at, once, with its steps. */
function hintsText(findings: readonly Finding[], style: Style, width: number): string[] {
  const ids = [...new Set(bySeverity(findings).flatMap((f) => (f.severity === 'ok' ? [] : (f.hints ?? []))))];
  const lines: string[] = [];
  for (const id of ids) {
    const hint = hintFor(id);
    if (!hint) continue;
    lines.push(`  ${style.bold(hint.title)}`);
    for (const step of hint.steps) lines.push(...wrap(step, width, '    - ', '      '));
  }
  return lines;
}

/** The end of every text report: findings, the ignored ones, the hints, and the summary with the exit code. */
export function findingsSectionText(
  envelope: ReportEnvelope,
  style: Style,
  width: number,
  quiet: boolean,
): string[] {
  const out: string[] = [];
  const findingLines = findingsText(envelope.findings, envelope.skipped, style, width, quiet);
  if (findingLines.length > 0) out.push(style.bold('Findings'), ...findingLines, '');
  const ignored = envelope.ignored ?? [];
  if (ignored.length > 0) {
    out.push(style.bold('Ignored (by the config file)'));
    for (const { finding, reason } of ignored)
      out.push(...wrap(`${finding.severity} ${findingName(finding)}: ${reason}`, width, '  ', '    '));
    out.push('');
  }
  const hintLines = hintsText(envelope.findings, style, width);
  if (hintLines.length > 0) out.push(style.bold('Hints'), ...hintLines, '');
  out.push(
    `${summaryLine(envelope.findings, envelope.skipped)} (fails at ${envelope.failOn}; exit ${envelope.exitCode})`,
  );
  return out;
}
