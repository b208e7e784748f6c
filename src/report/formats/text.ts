import Table from 'cli-table3';
import type { Block, Inline, ReportDocument } from '../document.js';
import type { RenderOptions, Style } from '../style.js';
import { findingsSectionText, findingsText } from './text-findings.js';
import { inlineText, paint } from './text-inline.js';
import { wrap } from './wrap.js';

// No colours from cli-table3 itself: every escape code comes from the Style we were given.
const NO_TABLE_COLOURS = { head: [], border: [] };
// No rule between rows: the tables are short and read better dense.
const COMPACT_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  style: Style,
): string {
  const t = new Table({
    head: head.map((h) => style.bold(h)),
    style: NO_TABLE_COLOURS,
    chars: COMPACT_CHARS,
  });
  t.push(...rows.map((r) => [...r]));
  return t.toString();
}

function blockLines(block: Block, style: Style, width: number): string[] {
  const inline = (text: Inline) => inlineText(text, style, width);
  switch (block.kind) {
    case 'paragraph':
      return block.label === undefined
        ? wrap(inline(block.text), width, '  ', '  ')
        : wrap(inline(block.text), width, `${block.label}: `, ' '.repeat(block.label.length + 2));
    case 'table':
      return [
        textTable(
          block.head,
          block.rows.map((row) => row.map(inline)),
          style,
        ),
      ];
    case 'pairs': {
      const labelWidth = Math.max(...block.rows.map((r) => r.label.length));
      return block.rows.map(({ label, value, status }) => {
        const painted = status === undefined ? '' : paint(style, status, status);
        const middle = status === undefined ? '' : `${painted.padEnd(8 + painted.length - status.length)}  `;
        return `  ${label.padEnd(labelWidth)}  ${middle}${inline(value)}`;
      });
    }
    case 'steps': {
      const labelWidth = Math.max(...block.steps.map((s) => s.label.length));
      return block.steps.flatMap((step) => [
        `  ${step.label.padEnd(labelWidth)}  ${style.dim(step.formula)}`,
        `  ${' '.repeat(labelWidth)}  = ${step.result}`,
      ]);
    }
    case 'code':
      return [
        '',
        ...block.code
          .trimEnd()
          .split('\n')
          .map((line) => (line === '' ? '' : `    ${line}`)),
        '',
      ];
    case 'notes':
      return block.items.flatMap((item) =>
        wrap(item, width, `  ${style.dim(`${block.label}:`)} `, ' '.repeat(block.label.length + 4)),
      );
    case 'chart':
      return [];
    case 'findings':
      return [...findingsText(block.findings, [], style, width), style.dim(`  (${block.note})`)];
  }
}

/**
 * The report for a terminal or a pipe: the header, each section under a bold heading, then the findings,
 * the hints and the summary. --quiet keeps the sections marked for it and the findings that need attention.
 */
export function renderText(document: ReportDocument, options: RenderOptions): string {
  const { style } = options;
  const quiet = options.quiet ?? false;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const { header } = document;
  const out: string[] = [];
  const endParagraph = () => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  if (!quiet) {
    const about = [header.subject, ...header.facts].join(' · ');
    out.push(`${style.bold(header.title)} ${header.about ?? 'of'} ${about}`, '');
  }
  for (const section of document.sections) {
    if (quiet && !section.keepWhenQuiet) continue;
    if (section.heading !== undefined) out.push(style.bold(inlineText(section.heading, style, width)));
    for (const block of section.blocks)
      if (!(quiet && block.kind === 'notes')) out.push(...blockLines(block, style, width));
    endParagraph();
  }
  out.push(...findingsSectionText(document.envelope, style, width, quiet));
  return `${out.join('\n')}\n`;
}
