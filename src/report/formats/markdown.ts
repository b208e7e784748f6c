import { bySeverity, type Finding, type Skipped } from '../../core/findings.js';
import { titleWithTarget } from '../../core/targets.js';
import { hintFor } from '../../core/hints.js';
import {
  SPARKLINE_MAX_BARS,
  spansOf,
  type Block,
  type Inline,
  type ReportDocument,
  type ReportEnvelope,
  type Span,
} from '../document.js';
import {
  fixSteps,
  findingName,
  INI_TAKES_EFFECT,
  fixTakesEffect,
  moreSessions,
  sessionLine,
  shownSessions,
  summaryLine,
  skippedName,
} from './finding-parts.js';

const FENCE_LANGUAGE: Readonly<Record<string, string>> = { javascript: 'js', shell: 'sh' };

function spanMarkdown(span: Span): string {
  if (typeof span === 'string') return span;
  if ('bars' in span)
    return span.bars
      .slice(-SPARKLINE_MAX_BARS)
      .map((b) => b.bar)
      .join('');
  return span.tone === 'code' ? `\`${span.text}\`` : span.text;
}

function inlineMarkdown(inline: Inline): string {
  return spansOf(inline).map(spanMarkdown).join('');
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** Findings as a markdown list, most severe first, with fixes and hints under each. */
function findingLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const f of bySeverity(findings)) {
    lines.push(`- **${f.severity}** — ${titleWithTarget(f)}`);
    if (f.severity === 'ok') continue;
    if (f.observed) lines.push(`  - observed: ${f.observed}`);
    if (f.expected) lines.push(`  - expected: ${f.expected}`);
    const { shown, more } = shownSessions(f);
    for (const session of shown) {
      lines.push(`  - session: ${sessionLine(session)}`);
      if (session.query !== undefined) lines.push(`    - query: \`${session.query.replaceAll('`', "'")}\``);
    }
    if (more > 0) lines.push(`  - ${moreSessions(more)}`);
    const ini = f.fix?.ini ?? [];
    ini.forEach((line, i) =>
      lines.push(`  - fix: \`${line}\`${i === ini.length - 1 ? ` (${INI_TAKES_EFFECT})` : ''}`),
    );
    const sql = fixSteps(f.fix);
    const when = fixTakesEffect(f.fix);
    sql.forEach((statement, i) =>
      lines.push(`  - fix: \`${statement}\`${when && i === sql.length - 1 ? ` (${when})` : ''}`),
    );
    if (f.fix?.order) lines.push(`  - order: ${f.fix.order}`);
    if (f.fix?.where) lines.push(`  - where: ${f.fix.where}`);
    for (const id of f.hints ?? []) {
      const hint = hintFor(id);
      if (!hint) continue;
      lines.push(`  - ${hint.title}:`, ...hint.steps.map((s) => `    - ${s}`));
    }
  }
  return lines;
}

function skippedLines(skipped: readonly Skipped[]): string[] {
  return skipped.map(
    (s) =>
      `- **skipped** — ${skippedName(s)}: ${s.reason}${s.enableWith ? ` (to enable: \`${s.enableWith}\`)` : ''}`,
  );
}

/** The end of every markdown report: findings, skipped checks, and the summary with the exit code. */
function findingsSection(envelope: ReportEnvelope): string[] {
  return [
    '### Findings',
    '',
    ...findingLines(envelope.findings),
    ...skippedLines(envelope.skipped),
    ...(envelope.ignored ?? []).map(
      ({ finding, reason }) => `- **ignored** — ${findingName(finding)}: ${reason}`,
    ),
    '',
    `**${summaryLine(envelope.findings, envelope.skipped)}** (fails at \`${envelope.failOn}\`; exit ${envelope.exitCode})`,
    '',
  ];
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph': {
      const text = inlineMarkdown(block.text);
      return [block.label === undefined ? text : `${block.label}: ${text}`];
    }
    case 'table':
      return markdownTable(
        block.head,
        block.rows.map((row) => row.map(inlineMarkdown)),
      );
    case 'pairs': {
      const withStatus = block.rows.some((r) => r.status !== undefined);
      const [label, value] = block.head;
      return markdownTable(
        withStatus ? [label, 'status', value] : block.head,
        block.rows.map((r) => [r.label, ...(withStatus ? [r.status ?? ''] : []), inlineMarkdown(r.value)]),
      );
    }
    case 'steps':
      return markdownTable(
        ['step', 'formula', 'with the numbers'],
        block.steps.map((s) => [s.label, s.formula, s.result]),
      );
    case 'code':
      return [`\`\`\`${FENCE_LANGUAGE[block.language] ?? block.language}`, block.code.trimEnd(), '```'];
    case 'notes':
      return block.items.map((item) => `- ${item}`);
    case 'chart':
      return [];
    case 'findings':
      return [...findingLines(block.findings), '', `(${block.note})`];
  }
}

/** A report for a pull-request comment or a CI step summary. */
export function renderMarkdown(document: ReportDocument): string {
  const { header, envelope } = document;
  const out = [`## pooltune ${envelope.command}: ${header.subject}`, ''];
  if (header.facts.length > 0) out.push(header.facts.join(' · '), '');
  for (const section of document.sections) {
    if (section.heading !== undefined) out.push(`### ${inlineMarkdown(section.heading)}`, '');
    for (const block of section.blocks) {
      const lines = blockLines(block);
      if (lines.length > 0) out.push(...lines, '');
    }
  }
  out.push(...findingsSection(envelope));
  return out.join('\n');
}
