import type { StopSignal } from '../ui/interrupt.js';
import type { SharedOptions } from '../cli/declaration.js';
import type { NamedUrl } from '../cli/flags/database.js';
import { PooltuneError, UsageError } from '../core/errors.js';
import { EXIT_CODE } from '../core/exit-codes.js';
import type { PlanConfig, ServicePlan, TargetRole } from '../core/plan/config.js';
import type { Io } from '../ui/io.js';
import { targetOf, type Target, type TargetSettings } from './target.js';

/** One of a run's several targets: its name in the report, what the plan says it is, and the target itself. */
export interface NamedTarget {
  readonly name: string;
  /** What the plan says the target is; absent when the plan does not list it. */
  readonly declaredRole?: TargetRole;
  readonly target: Target;
}

/** A target of a run with several: its report, or the one-line reason it was not reached. */
export type TargetOutcome<R> =
  | { readonly name: string; readonly target: Target; readonly declaredRole?: TargetRole; readonly report: R }
  | {
      readonly name: string;
      readonly target: Target;
      readonly declaredRole?: TargetRole;
      readonly error: {
        readonly message: string;
        readonly exitCode: number;
        readonly hints: readonly string[];
      };
    }
  /** Not checked: a signal stopped the run before its turn came. */
  | {
      readonly name: string;
      readonly target: Target;
      readonly declaredRole?: TargetRole;
      readonly stopped: StopSignal;
    };

/** host:port, then host:port/db where two targets share one, then a number: names a reader can tell apart. */
function defaultNames(targets: readonly Target[]): string[] {
  const hostPort = targets.map((t) => {
    const { host, port } = t.endpoint.connection;
    return `${host}:${port}`;
  });
  const withDb = targets.map((t, i) =>
    hostPort.filter((h) => h === hostPort[i]).length > 1
      ? `${hostPort[i]}/${t.endpoint.connection.database}`
      : hostPort[i]!,
  );
  return withDb.map((name, i) => (withDb.filter((n) => n === name).length > 1 ? `${name}#${i + 1}` : name));
}

function urlFromEnv(plan: PlanConfig, name: string, urlEnv: string, io: Io): string {
  const url = Object.hasOwn(io.env, urlEnv) ? io.env[urlEnv] : undefined;
  if (!url)
    throw new UsageError(
      `${plan.file}: targets ${name} names ${urlEnv}, which is not set (or empty); nothing was checked`,
      [`set ${urlEnv} to the URL of ${name}, or pass each target with --db name=url`],
    );
  return url;
}

/**
 * The run's targets when it has several: --db given more than once (named `name=url`, else by host and
 * port), or, without --db, the plan's targets, each URL from its environment variable. Undefined: the run
 * has one target, resolved as every command resolves it.
 */
export function severalTargetsOf(
  options: SharedOptions,
  io: Io,
  plan: PlanConfig | undefined,
  settings: TargetSettings = {},
): NamedTarget[] | undefined {
  let given: readonly NamedUrl[] | undefined = options.targets;
  if (given === undefined && options.db === undefined && plan?.targets !== undefined)
    given = plan.targets.map((t) => ({ name: t.name, url: urlFromEnv(plan, t.name, t.urlEnv, io) }));
  if (given === undefined) return undefined;
  if (options.pooler !== undefined)
    throw new UsageError('--pooler names one console, but this run has several targets', [
      "check the pooler's admin console as a target of its own (--db console=postgres://stats@pgbouncer:6432/pgbouncer), or give --pooler with one --db",
    ]);
  const targets = given.map(({ url }) => targetOf({ ...options, db: url }, io, plan, settings));
  const names = defaultNames(targets);
  return targets.map((target, i) => {
    const name = given[i]!.name ?? names[i]!;
    const declaredRole = plan?.targets?.find((t) => t.name === name)?.role;
    // The plan's pooler console is the console of the target the plan calls a pooler, not of every target;
    // the others are looked at as they come (a pooler seen on the way is still read on its own endpoint).
    const own =
      declaredRole === 'pooler' ? target : { ...target, pooler: { ...target.pooler, console: undefined } };
    return { name, target: own, ...(declaredRole ? { declaredRole } : {}) };
  });
}

/**
 * The plan's services by the target they connect to: those that name it, and, for the first target, those
 * that name none. A plan that lists no targets describes one server, whose place the first target takes.
 */
export function servicesByTarget<S extends { readonly service: ServicePlan }>(
  services: readonly S[],
  targets: readonly NamedTarget[],
): (name: string) => S[] {
  const first = targets[0]?.name;
  return (name) =>
    services.filter(({ service }) =>
      service.target === undefined ? name === first : service.target === name,
    );
}

/**
 * How many targets of one run are checked at the same time. Each holds one read-only session (and the
 * probes' few) on its server, so the bound is on pooltune's own connections and on the terminal's patience,
 * not on any server's.
 */
const TARGETS_AT_ONCE = 4;

/**
 * Runs `check` on every target, at most TARGETS_AT_ONCE at a time, and keeps the outcomes in the targets'
 * order. A target that cannot be reached (or refuses pooltune) is an outcome of its own, not the end of the
 * run; anything else that fails is a fault of pooltune's and stops it.
 */
export async function onEveryTarget<R>(
  targets: readonly NamedTarget[],
  check: (target: NamedTarget, index: number) => Promise<R>,
  /** Fewer for runs that measure: probes on one server would colour another's latencies on this machine. */
  atOnce = TARGETS_AT_ONCE,
  /** The signal that stopped the run, once one has: the targets whose turn had not come are left unchecked. */
  stoppedBy: () => StopSignal | null = () => null,
): Promise<TargetOutcome<R>[]> {
  const outcomes: TargetOutcome<R>[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const named = targets[index]!;
      const base = {
        name: named.name,
        target: named.target,
        ...(named.declaredRole ? { declaredRole: named.declaredRole } : {}),
      };
      const stopped = stoppedBy();
      if (stopped) {
        outcomes[index] = { ...base, stopped };
        continue;
      }
      try {
        outcomes[index] = { ...base, report: await check(named, index) };
      } catch (error) {
        if (!(error instanceof PooltuneError) || error.exitCode === EXIT_CODE.cancelled) throw error;
        outcomes[index] = {
          ...base,
          error: { message: error.message, exitCode: error.exitCode, hints: error.hints },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, targets.length) }, worker));
  return outcomes;
}
