import { bySeverity, type Finding } from '../core/findings.js';
import { hintFor } from '../core/hints.js';
import { summaryLine } from './findings-text.js';
import type { RecommendReport } from './recommend-report.js';
import { inputRows, settingRows, traceEquation, type Row } from './settings.js';

const cell = (text: string): string => text.replaceAll('|', '\\|');

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

const rowCells = (rows: readonly Row[]) => rows.map((r) => [r.label, `\`${r.value}\``, r.source]);

const FENCE_LANGUAGE = {
  rust: 'rust',
  javascript: 'js',
  properties: 'properties',
  json: 'json',
  shell: 'sh',
} as const;

function findingLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const f of bySeverity(findings)) {
    lines.push(`- **${f.severity}** — ${f.title}`);
    if (f.severity === 'ok') continue;
    if (f.observed) lines.push(`  - observed: ${f.observed}`);
    if (f.expected) lines.push(`  - expected: ${f.expected}`);
    for (const sql of f.fix?.sql ?? [])
      lines.push(`  - fix: \`${sql}\`${f.fix?.restart ? ' (needs a restart)' : ''}`);
    for (const id of f.hints ?? []) {
      const hint = hintFor(id);
      if (!hint) continue;
      lines.push(`  - ${hint.title}:`, ...hint.steps.map((s) => `    - ${s}`));
    }
  }
  return lines;
}

/** A report for a pull-request comment or a CI step summary. */
export function renderRecommendMarkdown(report: RecommendReport): string {
  const { recommendation, emitted } = report;
  const out = [
    `## pooltune recommend: ${recommendation.workload}`,
    '',
    '### Inputs',
    '',
    ...markdownTable(['input', 'value', 'source'], rowCells(inputRows(report))),
    '',
    '### Recommended pool',
    '',
    ...markdownTable(['setting', 'value', 'source'], rowCells(settingRows(recommendation))),
    '',
    '### How the pool size was computed',
    '',
    ...markdownTable(
      ['step', 'formula', 'with the numbers'],
      recommendation.trace.map((s) => [s.label, s.formula, traceEquation(s)]),
    ),
    '',
    `### Configuration (\`--emit ${emitted.emitter}\`)`,
    '',
    `\`\`\`${FENCE_LANGUAGE[emitted.language]}`,
    emitted.code.trimEnd(),
    '```',
    '',
    ...emitted.notes.map((n) => `- ${n}`),
    '',
    '### Findings',
    '',
    ...findingLines(report.findings),
    '',
    `**${summaryLine(report.findings, report.skipped)}** (fails at \`${report.failOn}\`; exit ${report.exitCode})`,
    '',
  ];
  return out.join('\n');
}
