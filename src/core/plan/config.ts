import { extname } from 'node:path';
import { FAIL_ON_LEVELS, type FailOn } from '../findings.js';
import { echo, printable } from '../echo.js';
import { InputFileError } from '../errors.js';
import { DURATION_HELP, parseDuration } from '../units.js';
import { BUILTIN_WORKLOADS, isBuiltinWorkload } from '../workload.js';

/** A service's pool as it is configured today; only maxConnections is required. */
export interface ConfiguredPool {
  readonly maxConnections: number;
  readonly minConnections?: number;
  readonly acquireTimeoutMs?: number;
  /** null: configured as "none". */
  readonly idleTimeoutMs?: number | null;
  readonly maxLifetimeMs?: number | null;
  readonly queryTimeoutMs?: number | null;
}

export interface ServicePlan {
  readonly name: string;
  /** A preset name or a preset file (relative to the config file). */
  readonly workload?: string;
  readonly concurrency?: number;
  readonly instances: number;
  readonly pool: ConfiguredPool;
}

export interface IgnoreRule {
  readonly id: string;
  readonly service?: string;
  readonly reason: string;
}

/** Limits a pooler in front of the server puts on its server connections (PgBouncer's names). */
export interface PoolerLimits {
  readonly serverLifetimeMs?: number;
  readonly serverIdleTimeoutMs?: number;
}

/** `pooltune.config.json`: the pool plan an application keeps in its repository. */
export interface PlanConfig {
  readonly file: string;
  /** The environment variable that holds the target URL. */
  readonly urlEnv?: string;
  readonly workload?: string;
  readonly failOn?: FailOn;
  readonly ignore: readonly IgnoreRule[];
  readonly pooler?: PoolerLimits;
  readonly services: readonly ServicePlan[];
}

export const CONFIG_FILE_NAME = 'pooltune.config.json';
const TOP_KEYS = ['$schema', 'target', 'workload', 'failOn', 'ignore', 'pooler', 'services'];
const SERVICE_KEYS = ['name', 'workload', 'concurrency', 'instances', 'pool'];
const POOL_KEYS = [
  'maxConnections',
  'minConnections',
  'acquireTimeout',
  'idleTimeout',
  'maxLifetime',
  'queryTimeout',
];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return printable(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

/** Collects every problem with its path in the file, so that one run shows them all. */
class Problems {
  readonly list: string[] = [];
  add(path: string, message: string) {
    this.list.push(`${path}: ${message}`);
  }
  unknownKeys(obj: Obj, allowed: readonly string[], path: string) {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.add(
          `${path}${path ? '.' : ''}${echo(key, 40)}`,
          `unknown key (allowed: ${allowed.filter((k) => k !== '$schema').join(', ')})`,
        );
    }
  }
  string(obj: Obj, key: string, path: string, required: boolean): string | undefined {
    const value = obj[key];
    if (value === undefined && !required) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.add(path, value === undefined ? 'missing' : `expected a non-empty string, got ${describe(value)}`);
    return undefined;
  }
  /** A preset name or a preset file, as --workload takes it; checked here so the message names the key. */
  workload(obj: Obj, path: string): string | undefined {
    const value = this.string(obj, 'workload', path, false);
    const isPath = value !== undefined && (/[/\\]/.test(value) || extname(value) !== '');
    if (value === undefined || isBuiltinWorkload(value) || isPath) return value;
    this.add(
      path,
      `expected ${BUILTIN_WORKLOADS.join(', ')} or the path of a preset file (.json), got ${describe(value)}`,
    );
    return undefined;
  }
  count(obj: Obj, key: string, path: string, min: number, required: boolean): number | undefined {
    const value = obj[key];
    if (value === undefined && !required) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 100_000)
      return value;
    this.add(
      path,
      value === undefined
        ? 'missing'
        : `expected a whole number from ${min} to 100000, got ${describe(value)}`,
    );
    return undefined;
  }
  duration(obj: Obj, key: string, path: string, nullable: boolean): number | null | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (value === null && nullable) return null;
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    // 0ms would read as "no timeout", so a value that rounds to it is not taken as one.
    if (ms !== undefined && ms > 0 && Math.round(ms) < 1)
      return void this.add(path, `expected at least 1ms, got ${describe(value)}`);
    if (ms !== undefined && ms > 0) return Math.round(ms);
    this.add(
      path,
      `expected ${DURATION_HELP}${nullable ? ', or null for none' : ''}, got ${describe(value)}`,
    );
    return undefined;
  }
}

function parsePool(raw: unknown, path: string, p: Problems): ConfiguredPool | undefined {
  if (!isObject(raw)) {
    p.add(
      path,
      raw === undefined
        ? 'missing (the pool this service is configured with)'
        : `expected an object, got ${describe(raw)}`,
    );
    return undefined;
  }
  p.unknownKeys(raw, POOL_KEYS, path);
  const maxConnections = p.count(raw, 'maxConnections', `${path}.maxConnections`, 1, true);
  const minConnections = p.count(raw, 'minConnections', `${path}.minConnections`, 0, false);
  const acquireTimeoutMs = p.duration(raw, 'acquireTimeout', `${path}.acquireTimeout`, false);
  const idleTimeoutMs = p.duration(raw, 'idleTimeout', `${path}.idleTimeout`, true);
  const maxLifetimeMs = p.duration(raw, 'maxLifetime', `${path}.maxLifetime`, true);
  const queryTimeoutMs = p.duration(raw, 'queryTimeout', `${path}.queryTimeout`, true);
  if (maxConnections === undefined) return undefined;
  return {
    maxConnections,
    ...(minConnections === undefined ? {} : { minConnections }),
    ...(acquireTimeoutMs == null ? {} : { acquireTimeoutMs }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    ...(maxLifetimeMs === undefined ? {} : { maxLifetimeMs }),
    ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }),
  };
}

function parseService(raw: unknown, path: string, p: Problems): ServicePlan | undefined {
  if (!isObject(raw)) {
    p.add(path, `expected an object with name, instances and pool, got ${describe(raw)}`);
    return undefined;
  }
  p.unknownKeys(raw, SERVICE_KEYS, path);
  const name = p.string(raw, 'name', `${path}.name`, true);
  const workload = p.workload(raw, `${path}.workload`);
  const concurrency = p.count(raw, 'concurrency', `${path}.concurrency`, 1, false);
  const instances = p.count(raw, 'instances', `${path}.instances`, 1, true);
  const pool = parsePool(raw.pool, `${path}.pool`, p);
  if (name === undefined || instances === undefined || pool === undefined) return undefined;
  return {
    name,
    instances,
    pool,
    ...(workload ? { workload } : {}),
    ...(concurrency ? { concurrency } : {}),
  };
}

// The user part excludes ':' so that the match stays linear (`x://` and 100 000 colons took seconds).
const URL_WITH_PASSWORD = /^[a-z]+:\/\/[^/@:]*:[^/@]*@/i;

/** Checks a parsed config file; every problem is reported at once, each with its path in the file. */
export function parsePlanConfig(raw: unknown, file: string): PlanConfig {
  if (!isObject(raw)) throw new InputFileError(file, [`expected a JSON object, got ${describe(raw)}`]);
  const p = new Problems();
  p.unknownKeys(raw, TOP_KEYS, '');

  let urlEnv: string | undefined;
  if (raw.target !== undefined) {
    if (!isObject(raw.target))
      p.add('target', `expected an object such as {"urlEnv": "DATABASE_URL"}, got ${describe(raw.target)}`);
    else {
      p.unknownKeys(raw.target, ['urlEnv', 'url'], 'target');
      if (typeof raw.target.url === 'string' && URL_WITH_PASSWORD.test(raw.target.url)) {
        p.add(
          'target.url',
          'must not hold a password: put the URL in an environment variable and name it in target.urlEnv',
        );
      } else if (raw.target.url !== undefined) {
        p.add('target.url', 'name the environment variable that holds the URL in target.urlEnv instead');
      }
      urlEnv = p.string(raw.target, 'urlEnv', 'target.urlEnv', false);
      if (urlEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(urlEnv)) {
        p.add('target.urlEnv', `expected an environment variable name, got ${describe(urlEnv)}`);
      }
    }
  }
  const workload = p.workload(raw, 'workload');
  let failOn: FailOn | undefined;
  if (raw.failOn !== undefined) {
    if ((FAIL_ON_LEVELS as readonly unknown[]).includes(raw.failOn)) failOn = raw.failOn as FailOn;
    else p.add('failOn', `expected one of ${FAIL_ON_LEVELS.join(', ')}, got ${describe(raw.failOn)}`);
  }

  const ignore: IgnoreRule[] = [];
  if (raw.ignore !== undefined) {
    if (!Array.isArray(raw.ignore))
      p.add('ignore', `expected an array of {"id", "reason"}, got ${describe(raw.ignore)}`);
    else
      raw.ignore.forEach((entry: unknown, i) => {
        const path = `ignore[${i}]`;
        if (!isObject(entry))
          return p.add(path, `expected an object with id and reason, got ${describe(entry)}`);
        p.unknownKeys(entry, ['id', 'service', 'reason'], path);
        const id = p.string(entry, 'id', `${path}.id`, true);
        const reason = p.string(entry, 'reason', `${path}.reason`, true);
        const service = p.string(entry, 'service', `${path}.service`, false);
        if (id && reason) ignore.push({ id, reason, ...(service ? { service } : {}) });
      });
  }

  let pooler: PoolerLimits | undefined;
  if (raw.pooler !== undefined) {
    if (!isObject(raw.pooler)) p.add('pooler', `expected an object, got ${describe(raw.pooler)}`);
    else {
      p.unknownKeys(raw.pooler, ['serverLifetime', 'serverIdleTimeout'], 'pooler');
      const serverLifetimeMs = p.duration(raw.pooler, 'serverLifetime', 'pooler.serverLifetime', false);
      const serverIdleTimeoutMs = p.duration(
        raw.pooler,
        'serverIdleTimeout',
        'pooler.serverIdleTimeout',
        false,
      );
      pooler = {
        ...(serverLifetimeMs == null ? {} : { serverLifetimeMs }),
        ...(serverIdleTimeoutMs == null ? {} : { serverIdleTimeoutMs }),
      };
    }
  }

  const services: ServicePlan[] = [];
  if (raw.services !== undefined) {
    if (!Array.isArray(raw.services))
      p.add('services', `expected an array of services, got ${describe(raw.services)}`);
    else {
      raw.services.forEach((entry: unknown, i) => {
        const service = parseService(entry, `services[${i}]`, p);
        if (service) services.push(service);
      });
      const seen = new Set<string>();
      for (const s of services) {
        if (seen.has(s.name)) p.add('services', `the name ${describe(s.name)} is used twice`);
        seen.add(s.name);
      }
    }
  }
  for (const rule of ignore) {
    if (rule.service && !services.some((s) => s.name === rule.service)) {
      p.add(
        `ignore[${ignore.indexOf(rule)}].service`,
        `no service named ${describe(rule.service)} in services`,
      );
    }
  }

  if (p.list.length > 0) throw new InputFileError(file, p.list);
  return {
    file,
    ignore,
    services,
    ...(urlEnv ? { urlEnv } : {}),
    ...(workload ? { workload } : {}),
    ...(failOn ? { failOn } : {}),
    ...(pooler ? { pooler } : {}),
  };
}
