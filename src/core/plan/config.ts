import { describe, durationMs, FileProblems, isObject } from '../config/file-problems.js';
import { validate } from '../config/generated/plan.js';
import type { FailOn } from '../findings.js';
import { parseSurge, type Surge } from './surge.js';

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
  /** The plan's target the service connects to (PlanConfig.targets); absent: the first, or the only server. */
  readonly target?: string;
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

/** A pooler in front of the server: where its console is, how many processes run it, and its timeouts. */
export interface PoolerLimits {
  /** The environment variable that holds the admin console URL. */
  readonly urlEnv?: string;
  /** PgBouncer processes that do not coordinate. */
  readonly instances?: number;
  /** The pool mode the services go through (recommend sizes for it as --behind-pooler would). */
  readonly mode?: 'transaction' | 'session';
  /** Closes unused server connections older than this. */
  readonly serverLifetimeMs?: number;
  /** Closes server connections idle for longer than this: must be below the server's idle_session_timeout. */
  readonly serverIdleTimeoutMs?: number;
  /** Closes client connections idle for longer than this (0: never): the app's pools must retire theirs first. */
  readonly clientIdleTimeoutMs?: number;
}

/** What a plan target is, as the plan states it. */
export type TargetRole = 'primary' | 'standby' | 'pooler';

/** One of several servers a plan is checked against, found through an environment variable. */
export interface PlanTarget {
  readonly name: string;
  readonly urlEnv: string;
  readonly role?: TargetRole;
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
  /** The deploy overlap, when the plan states one. */
  readonly surge?: Surge;
  /** Several servers checked in one run; services name theirs. */
  readonly targets?: readonly PlanTarget[];
  readonly services: readonly ServicePlan[];
}

export const CONFIG_FILE_NAME = 'pooltune.config.json';

// The user part excludes ':' so that the match stays linear (`x://` and 100 000 colons took seconds).
const URL_WITH_PASSWORD = /^[a-z]+:\/\/[^/@:]*:[^/@]*@/i;

/** The file as schemas/pooltune.config.schema.json describes it; true of `raw` once the schema passes it. */
interface PlanFile {
  readonly target?: { readonly urlEnv?: string };
  readonly targets?: readonly PlanTarget[];
  readonly workload?: string;
  readonly failOn?: FailOn;
  readonly surge?: string | number;
  readonly ignore?: readonly IgnoreRule[];
  readonly pooler?: {
    readonly urlEnv?: string;
    readonly instances?: number;
    readonly mode?: 'transaction' | 'session';
    readonly serverLifetime?: string;
    readonly serverIdleTimeout?: string;
    readonly clientIdleTimeout?: string;
  };
  readonly services?: readonly (Omit<ServicePlan, 'pool'> & {
    readonly pool: Pick<ConfiguredPool, 'maxConnections' | 'minConnections'> & {
      readonly acquireTimeout?: string;
    } & { readonly [key in 'idleTimeout' | 'maxLifetime' | 'queryTimeout']?: string | null };
  })[];
}

const optionalMs = (text: string | null | undefined) =>
  text === undefined ? undefined : text === null ? null : durationMs(text);

/**
 * Checks a parsed config file against its schema and the rules a schema cannot state; every problem is
 * reported at once, each with its path in the file.
 */
export function parsePlanConfig(raw: unknown, file: string): PlanConfig {
  const p = new FileProblems(raw).check(validate);
  const target = isObject(raw) ? raw.target : undefined;
  // The schema allows no target.url; this says why, without repeating a password.
  if (isObject(target) && target.url !== undefined) {
    p.add(
      ['target', 'url'],
      typeof target.url === 'string' && URL_WITH_PASSWORD.test(target.url)
        ? 'must not hold a password: put the URL in an environment variable and name it in target.urlEnv'
        : 'name the environment variable that holds the URL in target.urlEnv instead',
    );
  }
  p.checkDuration(['pooler', 'serverLifetime'], false);
  p.checkDuration(['pooler', 'serverIdleTimeout'], false);
  p.checkDuration(['pooler', 'clientIdleTimeout'], false);
  const serviceCount = p.length(['services']);
  for (let i = 0; i < serviceCount; i++) {
    p.checkDuration(['services', i, 'pool', 'acquireTimeout'], false);
    for (const key of ['idleTimeout', 'maxLifetime', 'queryTimeout'])
      p.checkDuration(['services', i, 'pool', key], true);
  }
  // Names are compared among the services without problems of their own.
  const names = new Set<string>();
  for (let i = 0; i < serviceCount; i++) {
    const name = p.has(['services', i]) ? undefined : p.sound(['services', i, 'name']);
    if (typeof name !== 'string') continue;
    if (names.has(name)) p.add(['services'], `the name ${describe(name)} is used twice`, ['services']);
    names.add(name);
  }
  const targetNames = new Set<string>();
  const targetCount = p.length(['targets']);
  for (let i = 0; i < targetCount; i++) {
    const name = p.has(['targets', i]) ? undefined : p.sound(['targets', i, 'name']);
    if (typeof name !== 'string') continue;
    if (targetNames.has(name)) p.add(['targets', i, 'name'], `the name ${describe(name)} is used twice`);
    targetNames.add(name);
  }
  for (let i = 0; i < serviceCount; i++) {
    const target = p.has(['services', i]) ? undefined : p.sound(['services', i, 'target']);
    if (typeof target === 'string' && !targetNames.has(target))
      p.add(
        ['services', i, 'target'],
        targetCount === 0
          ? 'names a target, but the plan lists no targets'
          : `no target named ${describe(target)} in targets`,
      );
  }
  const ignoreCount = p.length(['ignore']);
  for (let i = 0; i < ignoreCount; i++) {
    const service = p.value(['ignore', i, 'service']);
    if (typeof service === 'string' && !names.has(service) && !p.has(['ignore', i]))
      p.add(['ignore', i, 'service'], `no service named ${describe(service)} in services`);
  }
  // The schema takes the shape; a share above 100 % is not a surge a deployment can have.
  const surge = p.sound(['surge']);
  if ((typeof surge === 'string' || typeof surge === 'number') && parseSurge(surge) === undefined)
    p.add(['surge'], 'expected a share of instances up to 100%, or a whole number of extra instances');
  p.throwIfAny(file);

  const plan = raw as PlanFile;
  const pooler = plan.pooler;
  return {
    file,
    ignore: (plan.ignore ?? []).map(({ id, reason, service }) => ({
      id,
      reason,
      ...(service ? { service } : {}),
    })),
    services: (plan.services ?? []).map(({ name, target, workload, concurrency, instances, pool }) => {
      const idleTimeoutMs = optionalMs(pool.idleTimeout);
      const maxLifetimeMs = optionalMs(pool.maxLifetime);
      const queryTimeoutMs = optionalMs(pool.queryTimeout);
      return {
        name,
        instances,
        pool: {
          maxConnections: pool.maxConnections,
          ...(pool.minConnections === undefined ? {} : { minConnections: pool.minConnections }),
          ...(pool.acquireTimeout === undefined ? {} : { acquireTimeoutMs: durationMs(pool.acquireTimeout) }),
          ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
          ...(maxLifetimeMs === undefined ? {} : { maxLifetimeMs }),
          ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }),
        },
        ...(target ? { target } : {}),
        ...(workload ? { workload } : {}),
        ...(concurrency ? { concurrency } : {}),
      };
    }),
    ...(plan.targets
      ? {
          targets: plan.targets.map(({ name, urlEnv, role }) => ({
            name,
            urlEnv,
            ...(role ? { role } : {}),
          })),
        }
      : {}),
    ...(plan.target?.urlEnv ? { urlEnv: plan.target.urlEnv } : {}),
    ...(plan.workload ? { workload: plan.workload } : {}),
    ...(plan.failOn ? { failOn: plan.failOn } : {}),
    ...(plan.surge === undefined ? {} : { surge: parseSurge(plan.surge) as Surge }),
    ...(pooler
      ? {
          pooler: {
            ...(pooler.urlEnv ? { urlEnv: pooler.urlEnv } : {}),
            ...(pooler.instances ? { instances: pooler.instances } : {}),
            ...(pooler.mode ? { mode: pooler.mode } : {}),
            ...(pooler.serverLifetime ? { serverLifetimeMs: durationMs(pooler.serverLifetime) } : {}),
            ...(pooler.serverIdleTimeout
              ? { serverIdleTimeoutMs: durationMs(pooler.serverIdleTimeout) }
              : {}),
            ...(pooler.clientIdleTimeout
              ? { clientIdleTimeoutMs: durationMs(pooler.clientIdleTimeout) }
              : {}),
          },
        }
      : {}),
  };
}
