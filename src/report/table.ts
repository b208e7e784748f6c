import Table from 'cli-table3';
import type { Style } from './style.js';

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

const cell = (text: string): string => text.replaceAll('|', '\\|');

export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}
