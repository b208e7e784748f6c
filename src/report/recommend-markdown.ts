import { findingsSectionMarkdown } from './findings-markdown.js';
import { markdownTable } from './table.js';
import type { RecommendReport } from './recommend-report.js';
import { inputRows, settingRows, traceEquation, type Row } from './settings.js';

const rowCells = (rows: readonly Row[]) => rows.map((r) => [r.label, `\`${r.value}\``, r.source]);

const FENCE_LANGUAGE = {
  rust: 'rust',
  javascript: 'js',
  properties: 'properties',
  json: 'json',
  shell: 'sh',
} as const;

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
    ...findingsSectionMarkdown(report),
  ];
  return out.join('\n');
}
