/**
 * How text the user supplied (a flag value, a key in a file, a path) is repeated inside an error message:
 * on one line, without characters that would move the cursor or recolour the terminal, and short. Errors
 * are one line each; a value with a newline, an escape sequence or 100 000 characters must not change that.
 */

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides that can make a
// line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes what cannot be shown on one line (`\n`, `\u001b`) and leaves everything else as it is. */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (ch) => NAMED[ch] ?? `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The user's text as a message shows it: `printable`, and cut to `max` characters with its length
 * (`7777…(100000 characters)`) when longer.
 */
export function echo(text: string, max = 60): string {
  if (text.length <= max) return printable(text);
  // Never half a surrogate pair at the cut.
  const head = text.slice(0, /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max);
  return `${printable(head)}…(${text.length} characters)`;
}
