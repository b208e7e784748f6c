import { echo, printable } from './echo.js';
import { InputFileError } from './errors.js';
import { GUIDE_DEFAULTS, MAX_POOL_SIZE } from './guide.js';
import { DURATION_HELP, parseDuration } from './units.js';

/** Retry settings as EventCore 0.1's builder takes them. */
export interface RetrySettings {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** One application pool, in the guide's terms. `null` timeouts mean "none". */
export interface PoolSettings {
  readonly maxConnections: number;
  readonly minConnections: number;
  /** How long a caller waits for a pooled connection (the guide's `connect_timeout`). */
  readonly acquireTimeoutMs: number;
  readonly queryTimeoutMs: number | null;
  readonly idleTimeoutMs: number | null;
  readonly maxLifetimeMs: number | null;
  readonly testBeforeAcquire: boolean;
  readonly retries: RetrySettings;
}

export interface WorkloadPreset {
  readonly name: string;
  readonly description: string;
  /** Where the preset came from: a built-in name or the user's file path. */
  readonly origin: string;
  readonly pool: PoolSettings;
  /** min_connections as a share of max_connections when the max is computed (guide: 10–25 %). */
  readonly minConnectionsFraction: number;
}

export const BUILTIN_WORKLOADS = ['oltp', 'batch', 'microservice'] as const;
export type BuiltinWorkload = (typeof BUILTIN_WORKLOADS)[number];

export function isBuiltinWorkload(name: string): name is BuiltinWorkload {
  return (BUILTIN_WORKLOADS as readonly string[]).includes(name);
}

export { GUIDE_DEFAULTS, MAX_POOL_SIZE };

/**
 * The longest timeout a preset may hold: PostgreSQL's timeouts (`statement_timeout`) and Node.js timers
 * (node-postgres) take at most 2^31 − 1 ms; beyond it the emitted configuration would be refused or fire at once.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The keys a preset file may hold; `workloads/schema.json` describes the same shape for editors. */
export const PRESET_KEYS = [
  '$schema',
  'name',
  'description',
  'maxConnections',
  'minConnections',
  'minConnectionsFraction',
  'acquireTimeout',
  'queryTimeout',
  'idleTimeout',
  'maxLifetime',
  'testBeforeAcquire',
  'retries',
] as const;
export const RETRY_KEYS = ['maxRetries', 'baseDelay', 'maxDelay'] as const;

type Problems = string[];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return printable(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

function wholeNumber(
  obj: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  problems: Problems,
) {
  const value = obj[key];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${key}: expected a whole number from ${min} to ${max}, got ${describe(value)}`);
  return undefined;
}

function duration(
  obj: Record<string, unknown>,
  key: string,
  nullable: boolean,
  problems: Problems,
  path = key,
): number | null | undefined {
  const value = obj[key];
  if (value === null && nullable) return null;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms !== undefined && ms > 0) {
    // A pool library reads 0 as "no timeout", so a value that rounds to 0ms must not become one.
    if (Math.round(ms) < 1) problems.push(`${path}: expected at least 1ms, got ${describe(value)}`);
    else if (ms > MAX_TIMEOUT_MS)
      problems.push(
        `${path}: expected at most ${MAX_TIMEOUT_MS}ms (about 24 days, the longest timeout PostgreSQL and Node.js take), got ${describe(value)}`,
      );
    else return Math.round(ms);
    return undefined;
  }
  const what = nullable ? `${DURATION_HELP}, or null for none` : DURATION_HELP;
  problems.push(`${path}: expected ${what}, got ${describe(value)}`);
  return undefined;
}

function unknownKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  problems: Problems,
) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      problems.push(
        `${prefix}${echo(key, 40)}: unknown key (allowed: ${allowed.filter((k) => k !== '$schema').join(', ')})`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed preset file and fills in the guide's defaults. Every problem is collected, so that the
 * user fixes the file in one go; `file` labels each message.
 */
export function parseWorkloadPreset(raw: unknown, file: string, fallbackName: string): WorkloadPreset {
  if (!isObject(raw)) {
    throw new InputFileError(file, [
      `expected a JSON object with at least "maxConnections", got ${describe(raw)}`,
    ]);
  }
  const problems: Problems = [];
  const withDefaults: Record<string, unknown> = { ...GUIDE_DEFAULTS, ...raw };
  unknownKeys(raw, PRESET_KEYS, '', problems);

  for (const key of ['name', 'description', '$schema'] as const) {
    if (key in raw && (typeof raw[key] !== 'string' || (key === 'name' && raw[key] === ''))) {
      problems.push(`${key}: expected a non-empty string, got ${describe(raw[key])}`);
    }
  }
  if (!('maxConnections' in raw))
    problems.push('maxConnections: missing (the pool size this workload starts from)');
  const maxConnections =
    'maxConnections' in raw ? wholeNumber(raw, 'maxConnections', 1, MAX_POOL_SIZE, problems) : undefined;

  let minConnections: number | undefined;
  if ('minConnections' in raw)
    minConnections = wholeNumber(raw, 'minConnections', 0, MAX_POOL_SIZE, problems);
  let fraction: number | undefined;
  if ('minConnectionsFraction' in raw) {
    const value = raw.minConnectionsFraction;
    if (typeof value === 'number' && value > 0 && value <= 1) fraction = value;
    else
      problems.push(
        `minConnectionsFraction: expected a number above 0 and at most 1, got ${describe(value)}`,
      );
  }
  if (maxConnections !== undefined && minConnections !== undefined && minConnections > maxConnections) {
    problems.push(
      `minConnections: expected at most maxConnections (${maxConnections}), got ${minConnections}`,
    );
  }

  const acquireTimeoutMs = duration(withDefaults, 'acquireTimeout', false, problems);
  const queryTimeoutMs = duration(withDefaults, 'queryTimeout', true, problems);
  const idleTimeoutMs = duration(withDefaults, 'idleTimeout', true, problems);
  const maxLifetimeMs = duration(withDefaults, 'maxLifetime', true, problems);
  const testBeforeAcquire = withDefaults.testBeforeAcquire;
  if (typeof testBeforeAcquire !== 'boolean') {
    problems.push(`testBeforeAcquire: expected true or false, got ${describe(testBeforeAcquire)}`);
  }

  let retries: RetrySettings | undefined;
  const rawRetries = withDefaults.retries;
  if (!isObject(rawRetries)) {
    problems.push(`retries: expected an object with ${RETRY_KEYS.join(', ')}, got ${describe(rawRetries)}`);
  } else {
    const merged: Record<string, unknown> = { ...GUIDE_DEFAULTS.retries, ...rawRetries };
    const retryProblems: Problems = [];
    unknownKeys(rawRetries, RETRY_KEYS, '', retryProblems);
    const maxRetries = wholeNumber(merged, 'maxRetries', 0, 100, retryProblems);
    const baseDelayMs = duration(merged, 'baseDelay', false, retryProblems);
    const maxDelayMs = duration(merged, 'maxDelay', false, retryProblems);
    if (baseDelayMs != null && maxDelayMs != null && baseDelayMs > maxDelayMs) {
      retryProblems.push(`maxDelay: expected at least baseDelay, got ${describe(merged.maxDelay)}`);
    }
    problems.push(...retryProblems.map((p) => `retries.${p}`));
    if (maxRetries !== undefined && baseDelayMs != null && maxDelayMs != null) {
      retries = { maxRetries, baseDelayMs, maxDelayMs };
    }
  }

  if (
    problems.length > 0 ||
    maxConnections === undefined ||
    acquireTimeoutMs == null ||
    queryTimeoutMs === undefined ||
    idleTimeoutMs === undefined ||
    maxLifetimeMs === undefined ||
    typeof testBeforeAcquire !== 'boolean' ||
    retries === undefined
  ) {
    throw new InputFileError(file, problems);
  }

  // A preset states min, fraction, both, or neither (then the guide's default min of 2); each follows from the other.
  const min =
    minConnections ??
    (fraction !== undefined
      ? minConnectionsFor(maxConnections, fraction)
      : Math.min(GUIDE_DEFAULTS.minConnections, maxConnections));
  const minFraction = fraction ?? min / maxConnections;
  return {
    name: typeof raw.name === 'string' ? raw.name : fallbackName,
    description: typeof raw.description === 'string' ? raw.description : '',
    origin: file,
    minConnectionsFraction: minFraction,
    pool: {
      maxConnections,
      minConnections: min,
      acquireTimeoutMs,
      queryTimeoutMs,
      idleTimeoutMs,
      maxLifetimeMs,
      testBeforeAcquire,
      retries,
    },
  };
}

/** The guide keeps 10–25 % of the pool warm; never fewer than one, never more than the pool. */
export function minConnectionsFor(maxConnections: number, fraction: number): number {
  return Math.min(maxConnections, Math.max(1, Math.round(maxConnections * fraction)));
}
