import { MAX_POOL_SIZE, POSTGRES_MAX_CONNECTIONS_LIMIT } from './guide.js';

/** The values a flag accepts, both ends included. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

/** Whole numbers as people type them on a command line: digits only, no signs, exponents or hex. */
export function parseCount(text: string, range: CountRange): number | undefined {
  return parseWithin(text, range, /^\d{1,15}$/);
}

/**
 * A number as people type it, if it matches `shape` and lies in `range`. Spaces and tabs around it are
 * forgiven; a line break is not (`5\n6` is two values).
 */
function parseWithin(text: string, range: CountRange, shape: RegExp): number | undefined {
  if (/[^\S \t]/.test(text)) return undefined;
  const trimmed = text.trim();
  if (!shape.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= range.min && value <= range.max ? value : undefined;
}

export function countExpectation(range: CountRange): string {
  return `a whole number from ${range.min} to ${range.max}`;
}

export const COUNT_RANGES = {
  concurrency: { min: 1, max: 100_000 },
  instances: { min: 1, max: 10_000 },
  poolerInstances: { min: 1, max: 1_000 },
  poolMax: { min: 1, max: MAX_POOL_SIZE },
  probeConnections: { min: 1, max: 50 },
  poolMin: { min: 0, max: MAX_POOL_SIZE },
  clients: { min: 1, max: 10_000 },
  samples: { min: 1, max: 1_000_000 },
  serverMaxConnections: { min: 1, max: POSTGRES_MAX_CONNECTIONS_LIMIT },
  reservedConnections: { min: 0, max: POSTGRES_MAX_CONNECTIONS_LIMIT },
  otherConnections: { min: 0, max: POSTGRES_MAX_CONNECTIONS_LIMIT },
} as const satisfies Record<string, CountRange>;

/** Decimal numbers as people type them (`200`, `12.5`): digits and one point, no signs or exponents. */
export function parseDecimal(text: string, range: CountRange): number | undefined {
  return parseWithin(text, range, /^\d{1,15}(?:\.\d{1,15})?$/);
}

/** Traffic inputs for `recommend` and `bench`; rates and hold times must be above 0, checked by the caller. */
export const TRAFFIC_RANGES = {
  ratePerSecond: { min: 0, max: 10_000_000 },
  holdMs: { min: 0, max: 86_400_000 },
  targetWaitMs: { min: 0, max: 86_400_000 },
  targetPercentile: { min: 0, max: 100 },
  callers: { min: 1, max: 10_000 },
  dbCores: { min: 1, max: 10_000 },
  dbSpindles: { min: 0, max: 10_000 },
  /** bench: the rate its own load generator can be asked for, and a hold the statement timeout can cover. */
  benchRatePerSecond: { min: 0, max: 1_000_000 },
  benchHoldMs: { min: 0, max: 600_000 },
} as const satisfies Record<string, CountRange>;
