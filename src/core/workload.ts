import { describe, durationMs, FileProblems } from './config/file-problems.js';
import { validate } from './config/generated/workload.js';
import { GUIDE_DEFAULTS, MAX_POOL_SIZE } from './guide.js';

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
/** The workload every command assumes when none is named: flags, a plan and the wizard all fall back on it. */
export const DEFAULT_WORKLOAD: BuiltinWorkload = 'oltp';

export function isBuiltinWorkload(name: string): name is BuiltinWorkload {
  return (BUILTIN_WORKLOADS as readonly string[]).includes(name);
}

export { GUIDE_DEFAULTS, MAX_POOL_SIZE };

/**
 * The longest timeout a preset may hold: PostgreSQL's timeouts (`statement_timeout`) and Node.js timers
 * (node-postgres) take at most 2^31 − 1 ms; beyond it the emitted configuration would be refused or fire at once.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The keys a preset file may hold, as `workloads/schema.json` lists them (a unit test holds them equal). */
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

/** A preset file as workloads/schema.json describes it; true of `raw` once the schema passes it. */
interface PresetFile {
  readonly name?: string;
  readonly description?: string;
  readonly maxConnections: number;
  readonly minConnections?: number;
  readonly minConnectionsFraction?: number;
  readonly acquireTimeout?: string;
  readonly queryTimeout?: string | null;
  readonly idleTimeout?: string | null;
  readonly maxLifetime?: string | null;
  readonly testBeforeAcquire?: boolean;
  readonly retries?: {
    readonly maxRetries?: number;
    readonly baseDelay?: string;
    readonly maxDelay?: string;
  };
}

const TIMEOUT_LIMIT = {
  ms: MAX_TIMEOUT_MS,
  why: 'about 24 days, the longest timeout PostgreSQL and Node.js take',
} as const;

const optionalMs = (text: string | null) => (text === null ? null : durationMs(text));

/**
 * Checks a parsed preset file against its schema and the rules a schema cannot state, and fills in the
 * guide's defaults. Every problem is collected, so that the user fixes the file in one go; `file` labels
 * each message.
 */
export function parseWorkloadPreset(raw: unknown, file: string, fallbackName: string): WorkloadPreset {
  const p = new FileProblems(raw).check(validate);
  p.checkDuration(['acquireTimeout'], false, TIMEOUT_LIMIT);
  for (const key of ['queryTimeout', 'idleTimeout', 'maxLifetime'])
    p.checkDuration([key], true, TIMEOUT_LIMIT);
  p.checkDuration(['retries', 'baseDelay'], false, TIMEOUT_LIMIT);
  p.checkDuration(['retries', 'maxDelay'], false, TIMEOUT_LIMIT);
  const [max, min] = [p.sound(['maxConnections']), p.sound(['minConnections'])];
  if (typeof max === 'number' && typeof min === 'number' && min > max)
    p.add(['minConnections'], `expected at most maxConnections (${max}), got ${min}`);
  // The delays compare with the defaults filled in: a preset may state only one of them.
  if (!p.has(['retries', 'baseDelay']) && !p.has(['retries', 'maxDelay'])) {
    const baseDelay = p.sound(['retries', 'baseDelay']) ?? GUIDE_DEFAULTS.retries.baseDelay;
    const maxDelay = p.sound(['retries', 'maxDelay']) ?? GUIDE_DEFAULTS.retries.maxDelay;
    if (
      typeof baseDelay === 'string' &&
      typeof maxDelay === 'string' &&
      durationMs(baseDelay) > durationMs(maxDelay)
    )
      p.add(['retries', 'maxDelay'], `expected at least baseDelay, got ${describe(maxDelay)}`);
  }
  p.throwIfAny(file);
  return presetFrom(raw as PresetFile, file, fallbackName);
}

/**
 * A built-in preset, which a unit test checks against the schema: read without loading the validator,
 * which is most of the work of a start that reads one.
 */
export function builtinWorkloadPreset(raw: unknown, name: BuiltinWorkload): WorkloadPreset {
  return presetFrom(raw as PresetFile, name, name);
}

function presetFrom(stated: PresetFile, file: string, fallbackName: string): WorkloadPreset {
  const preset = { ...GUIDE_DEFAULTS, ...stated };
  const delays = { ...GUIDE_DEFAULTS.retries, ...stated.retries };
  const maxConnections = preset.maxConnections;
  // A preset states min, fraction, both, or neither (then the guide's default min of 2); each follows from the other.
  const fraction = stated.minConnectionsFraction;
  const minConnections =
    stated.minConnections ??
    (fraction !== undefined
      ? minConnectionsFor(maxConnections, fraction)
      : Math.min(GUIDE_DEFAULTS.minConnections, maxConnections));
  return {
    name: preset.name ?? fallbackName,
    description: preset.description ?? '',
    origin: file,
    minConnectionsFraction: fraction ?? minConnections / maxConnections,
    pool: {
      maxConnections,
      minConnections,
      acquireTimeoutMs: durationMs(preset.acquireTimeout),
      queryTimeoutMs: optionalMs(preset.queryTimeout),
      idleTimeoutMs: optionalMs(preset.idleTimeout),
      maxLifetimeMs: optionalMs(preset.maxLifetime),
      testBeforeAcquire: preset.testBeforeAcquire,
      retries: {
        maxRetries: delays.maxRetries,
        baseDelayMs: durationMs(delays.baseDelay),
        maxDelayMs: durationMs(delays.maxDelay),
      },
    },
  };
}

/** The guide keeps 10–25 % of the pool warm; never fewer than one, never more than the pool. */
export function minConnectionsFor(maxConnections: number, fraction: number): number {
  return Math.min(maxConnections, Math.max(1, Math.round(maxConnections * fraction)));
}
