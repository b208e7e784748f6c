import {
  bySeverity,
  summarize,
  type Finding,
  type IgnoredFinding,
  type Severity,
  type Skipped,
} from '../core/findings.js';
import { hintFor } from '../core/hints.js';
import type { Style } from './style.js';
import { wrap } from './wrap.js';

const MARK: Readonly<Record<Severity, string>> = {
  ok: 'ok',
  info: 'info',
  warning: 'warning',
  critical: 'critical',
};

function paint(style: Style, severity: Severity, text: string): string {
  switch (severity) {
    case 'ok':
      return style.green(text);
    case 'info':
      return style.cyan(text);
    case 'warning':
      return style.yellow(text);
    case 'critical':
      return style.red(style.bold(text));
  }
}

/** Findings, most severe first, each with what was seen, what was expected and the fix. */
export function renderFindingsText(
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
      ...wrap(f.title, width, `  ${paint(style, f.severity, MARK[f.severity].padEnd(markWidth))}  `, indent),
    );
    const detail = (label: string, text: string) =>
      lines.push(...wrap(text, width, `${indent}${style.dim(`${label}:`)} `, `${indent}  `));
    if (f.severity !== 'ok') {
      if (f.observed) detail('observed', f.observed);
      if (f.expected) detail('expected', f.expected);
    }
    const sql = f.fix?.sql ?? [];
    if (sql.length > 0) {
      const applies = f.fix?.restart ? '  (needs a restart)' : f.fix?.reload ? '  (applies on reload)' : '';
      sql.forEach((statement, i) =>
        lines.push(
          `${indent}${style.dim(i === 0 ? 'fix:' : '    ')} ${statement}${i === sql.length - 1 ? style.dim(applies) : ''}`,
        ),
      );
    }
    if (f.hints && f.hints.length > 0) {
      const titles = f.hints.map((id) => hintFor(id)?.title ?? id);
      detail('try', `${titles.join('; ')} (see Hints)`);
    }
  }
  for (const s of skipped) {
    lines.push(`  ${style.dim('skipped')}  ${s.id}: ${s.reason}${s.enableWith ? ` (${s.enableWith})` : ''}`);
  }
  return lines;
}

/** Each hint the findings point at, once, with its steps. */
export function renderHintsText(findings: readonly Finding[], style: Style, width: number): string[] {
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 passed, 1 warning, 0 critical; 1 skipped" */
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

/** The end of every human report: findings, the hints they point at, and the summary with the exit code. */
export function renderFindingsSection(
  report: {
    findings: readonly Finding[];
    skipped: readonly Skipped[];
    ignored?: readonly IgnoredFinding[];
    failOn: string;
    exitCode: number;
  },
  style: Style,
  width: number,
  quiet = false,
): string[] {
  const out: string[] = [];
  const findingLines = renderFindingsText(report.findings, report.skipped, style, width, quiet);
  if (findingLines.length > 0) out.push(style.bold('Findings'), ...findingLines, '');
  if (report.ignored && report.ignored.length > 0) {
    out.push(style.bold('Ignored (by the config file)'));
    for (const { finding, reason } of report.ignored) {
      const what = `${finding.severity} ${finding.id}${finding.subject ? ` (${finding.subject})` : ''}`;
      out.push(...wrap(`${what}: ${reason}`, width, '  ', '    '));
    }
    out.push('');
  }
  const hintLines = renderHintsText(report.findings, style, width);
  if (hintLines.length > 0) out.push(style.bold('Hints'), ...hintLines, '');
  out.push(
    `${summaryLine(report.findings, report.skipped)} (fails at ${report.failOn}; exit ${report.exitCode})`,
  );
  return out;
}
