import type { SharedOptions } from '../cli/declaration.js';
import { UsageError } from '../core/errors.js';
import type { FailOn } from '../core/findings.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../core/guide.js';
import type { PlanConfig } from '../core/plan/config.js';
import { failOnWithPlan } from '../config/load-plan.js';
import type { SessionOptions } from '../probes/connect.js';
import {
  describeTarget,
  resolveConsoleTarget,
  resolveTarget,
  type ConnectionTarget,
} from '../probes/target.js';
import type { Io } from '../ui/io.js';

/** A PostgreSQL server, reached with the extended query protocol through node-postgres. */
export interface PostgresEndpoint {
  readonly kind: 'postgres';
  readonly connection: ConnectionTarget;
  /** user@host:port/db, never with the password. */
  readonly display: string;
  readonly sessionOptions: SessionOptions;
}

/**
 * Where a session goes. One kind today; a pooler's admin console (simple query protocol only, facts of its
 * own) is meant to join this union as a kind of its own.
 */
export type Endpoint = PostgresEndpoint;

/** The pooler in front of a target, as the user named it (its admin console) and how many processes run it. */
export interface PoolerEndpoint {
  /** --pooler's admin console; undefined: try the target's own host and port when a pooler is seen. */
  readonly console: ConnectionTarget | undefined;
  readonly instances: number;
}

/** One target of a run, resolved once: the endpoint, the plan it is checked against, and the gate. */
export interface Target {
  readonly endpoint: Endpoint;
  readonly pooler: PoolerEndpoint;
  readonly plan: PlanConfig | undefined;
  /** --fail-on (given) beats the plan's failOn, which beats the default. */
  readonly failOn: FailOn;
}

export interface TargetSettings {
  /** statement_timeout of pooltune's sessions on this target (default 10s). */
  readonly statementTimeoutMs?: number;
}

/**
 * Resolves --db, else the plan's urlEnv (which must then be set), else DATABASE_URL, else PG*; and registers
 * the password as a secret before anything can print it.
 */
export function resolveEndpoint(
  options: SharedOptions,
  io: Io,
  plan: PlanConfig | undefined,
  settings: TargetSettings = {},
): PostgresEndpoint {
  // The plan's urlEnv names the variable that holds the URL when there is no --db. Unset, it must not
  // fall back to PG*: a deploy gate would then check whichever server those happen to point at.
  const urlEnv = plan?.urlEnv || undefined;
  if (options.db === undefined && urlEnv !== undefined && !(Object.hasOwn(io.env, urlEnv) && io.env[urlEnv]))
    throw new UsageError(
      `${plan?.file}: target.urlEnv names ${urlEnv}, which is not set (or empty); nothing was checked`,
      [`set ${urlEnv} to the database URL, or pass --db`],
    );
  const connection = resolveTarget(options.db, io.env, urlEnv);
  if (connection.password) io.addSecret(connection.password);
  const connectTimeoutMs =
    options.connectTimeoutMs ?? connection.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    kind: 'postgres',
    connection,
    display: describeTarget(connection),
    sessionOptions: { connectTimeoutMs, env: io.env, ...settings },
  };
}

/**
 * --pooler, else the plan's pooler.urlEnv (which must then be set), resolved like --db with its password
 * registered as a secret first; and --pooler-instances, else the plan's pooler.instances.
 */
function resolvePooler(options: SharedOptions, io: Io, plan: PlanConfig | undefined): PoolerEndpoint {
  const urlEnv = plan?.pooler?.urlEnv;
  let url = options.pooler;
  if (url === undefined && urlEnv !== undefined) {
    url = Object.hasOwn(io.env, urlEnv) ? io.env[urlEnv] : undefined;
    if (!url)
      throw new UsageError(
        `${plan?.file}: pooler.urlEnv names ${urlEnv}, which is not set (or empty); nothing was checked`,
        [`set ${urlEnv} to the pooler's admin console URL, or pass --pooler`],
      );
  }
  let console: ConnectionTarget | undefined;
  if (url !== undefined) {
    // Only the URL: the PG* variables describe --db's server, not the pooler's console.
    console = resolveConsoleTarget(url, options.pooler !== undefined ? '--pooler' : (urlEnv ?? '--pooler'));
    if (console.password) io.addSecret(console.password);
  }
  return { console, instances: options.poolerInstances ?? plan?.pooler?.instances ?? 1 };
}

/** The target of a command that has one server: its endpoint, its plan (if any) and the gate. */
export function targetOf(
  options: SharedOptions,
  io: Io,
  plan: PlanConfig | undefined,
  settings: TargetSettings = {},
): Target {
  return {
    endpoint: resolveEndpoint(options, io, plan, settings),
    pooler: resolvePooler(options, io, plan),
    plan,
    failOn: failOnWithPlan(options, plan),
  };
}
