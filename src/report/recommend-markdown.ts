import { findingsSectionMarkdown } from './findings-markdown.js';
import { markdownTable } from './table.js';
import type { RecommendReport, TrafficReport } from './recommend-report.js';
import {
  busyLine,
  measuredRows,
  modelName,
  POOL_TABLE_HEAD,
  poolTableRows,
  TABLE_LEGEND,
} from './recommend-traffic.js';
import { inputRows, settingRows, traceEquation, type Row } from './settings.js';

const rowCells = (rows: readonly Row[]) => rows.map((r) => [r.label, `\`${r.value}\``, r.source]);

const FENCE_LANGUAGE = {
  rust: 'rust',
  javascript: 'js',
  properties: 'properties',
  json: 'json',
  shell: 'sh',
} as const;

function trafficMarkdown(traffic: TrafficReport): string[] {
  const measured = traffic.measured;
  return [
    ...(measured
      ? [
          `### Measured on database \`${measured.database}\``,
          '',
          ...markdownTable(
            ['measure', 'value'],
            measuredRows(traffic).map((r) => [r.label, r.value]),
          ),
          '',
          ...measured.caveats.map((c) => `- ${c}`),
          '',
        ]
      : []),
    `### Sizing from traffic (${modelName(traffic)})`,
    '',
    busyLine(traffic),
    '',
    ...markdownTable(POOL_TABLE_HEAD(traffic), poolTableRows(traffic)),
    '',
    TABLE_LEGEND,
    '',
    traffic.sizing.reason,
    '',
  ];
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
    ...(report.traffic ? trafficMarkdown(report.traffic) : []),
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
