/**
 * Durations and sizes written the way PostgreSQL writes them (`500ms`, `5s`, `10min`, `1h`; `64kB`, `4MB`),
 * plus `m` for minutes because people type it. Parsers return `undefined` on bad input so that callers can
 * say which flag or key was wrong.
 */

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// PostgreSQL's memory units are powers of 1024 and case-sensitive.
const SIZE_UNITS_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

export const DURATION_HELP = 'a duration such as 500ms, 5s, 10min or 1h';
export const SIZE_HELP = 'a size such as 64kB, 4MB or 1GB';

// Matched against trimmed text: with `\s*` at both ends, a long run of spaces made the match quadratic
// (100 000 spaces took seconds).
const QUANTITY = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/;
/** No duration or size is longer than this; longer text is rejected before any matching. */
const MAX_QUANTITY_LENGTH = 64;

// Spaces and tabs may surround or split a quantity (`5 s`); a line break or other whitespace never belongs in one.
const ODD_WHITESPACE = /[^\S \t]/;

function quantity(text: string): RegExpExecArray | null {
  if (ODD_WHITESPACE.test(text)) return null;
  const trimmed = text.trim();
  return trimmed.length > MAX_QUANTITY_LENGTH ? null : QUANTITY.exec(trimmed);
}

/** Milliseconds, or undefined when the text is not a duration. A bare `0` is allowed; other numbers need a unit. */
export function parseDuration(text: string): number | undefined {
  const match = quantity(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit === '') return amount === 0 ? 0 : undefined;
  const factor = DURATION_UNITS_MS[unit];
  if (factor === undefined) return undefined;
  const ms = amount * factor;
  return Number.isFinite(ms) && ms <= Number.MAX_SAFE_INTEGER ? ms : undefined;
}

/** Bytes, or undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const match = quantity(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] || 'B';
  const factor = SIZE_UNITS_BYTES[unit];
  if (factor === undefined) return undefined;
  const bytes = amount * factor;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

/** The largest unit that expresses the value exactly: 300000 → `5min`, 2000 → `2s`, 1500 → `1500ms`. */
/** A measured time for a finding: `0.042ms` below a millisecond, else two decimals at most (`12.35ms`). */
export function formatMeasuredMs(value: number): string {
  return `${value < 1 ? Math.round(value * 1000) / 1000 : Math.round(value * 100) / 100}ms`;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const units: ReadonlyArray<readonly [string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  for (const [unit, factor] of units) {
    if (ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

/** Bytes in the largest PostgreSQL unit that expresses them exactly. */
export function formatSize(bytes: number): string {
  for (const unit of ['TB', 'GB', 'MB', 'kB'] as const) {
    const factor = SIZE_UNITS_BYTES[unit] ?? 1;
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}

/** How long something has lasted, for a person: `0.4s`, `42s`, `12min 5s`, `3h 20min`, `2d 4h`. */
export function formatAge(seconds: number): string {
  if (seconds < 10) return `${Math.max(0, Math.round(seconds * 10) / 10)}s`;
  const s = Math.round(seconds);
  const parts: ReadonlyArray<readonly [string, number]> = [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  const i = parts.findIndex(([, size]) => s >= size);
  const [bigUnit, big] = parts[i] ?? ['s', 1];
  const [smallUnit, small] = parts[i + 1] ?? ['', 0];
  const first = Math.floor(s / big);
  const rest = small > 0 ? Math.floor((s % big) / small) : 0;
  return rest > 0 ? `${first}${bigUnit} ${rest}${smallUnit}` : `${first}${bigUnit}`;
}
