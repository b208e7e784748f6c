/**
 * Word-wraps `text` to `width` columns; lines after the first start with `indent`. Words longer than a
 * line (URLs, SQL) are kept whole rather than broken.
 */
export function wrap(text: string, width: number, firstPrefix: string, indent: string): string[] {
  const lines: string[] = [];
  let line = firstPrefix;
  let lineHasWord = false;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = lineHasWord ? `${line} ${word}` : `${line}${word}`;
    if (lineHasWord && visibleLength(candidate) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
    lineHasWord = true;
  }
  lines.push(line);
  return lines;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
