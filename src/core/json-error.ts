/**
 * JSON.parse's error message with its character offset ("at position 127") turned into the line and
 * column an editor shows (1-based), which is what a person fixing the file looks for.
 */
export function jsonErrorWithLine(message: string, text: string): string {
  // Newer V8 appends "(line 5 column 3)" itself; the offset is enough to compute it once, our way.
  const trimmed = message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const position = /\bat position (\d+)\b/.exec(trimmed);
  if (position) {
    const { line, column } = lineAndColumn(text, Number(position[1]));
    return trimmed.replace(position[0], `at line ${line}, column ${column}`);
  }
  if (/^Unexpected end of JSON input$/.test(trimmed)) {
    const { line, column } = lineAndColumn(text, text.length);
    return `the file ends too early, at line ${line}, column ${column}`;
  }
  return trimmed;
}

/** The 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1) ?? '').length + 1 };
}
