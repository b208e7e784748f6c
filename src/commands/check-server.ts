import {
  CHECK_SERVER_FAMILIES,
  poolerChecks,
  poolerObservation,
  unreadPooler,
  runChecks,
  standbyObservation,
  type ServerPlan,
} from '../core/checks/index.js';
import { sessionSettingsFrom } from '../core/sessions/settings.js';
import { planServerFrom } from '../core/plan/server.js';
import { otherClients, usableSlots, type ServerFacts } from '../core/server-facts.js';
import { resolvePlanPath } from '../config/load-plan.js';
import { loadWorkload } from '../config/load-workload.js';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import { addServerFlags, readServer, type ServerOptions } from '../cli/flags/server.js';
import { addSessionFlags, readSessionFlags, type SessionOptions } from '../cli/flags/sessions.js';
import { addStandbyFlags, readStandbyFlags, type StandbyOptions } from '../cli/flags/standby.js';
import { count } from '../cli/flags/values.js';
import { COUNT_RANGES } from '../core/numbers.js';
import { verdict } from '../pipeline/finish.js';
import { verbose } from '../pipeline/output.js';
import { planAskedOrFound, plannedServices } from '../pipeline/plan.js';
import { withSession } from '../pipeline/session.js';
import { targetOf, type Target } from '../pipeline/target.js';
import { onEveryTarget, servicesByTarget, severalTargetsOf } from '../pipeline/targets.js';
import { combineTargets } from '../pipeline/combine-targets.js';
import { failOnWithPlan } from '../config/load-plan.js';
import type { PlanConfig } from '../core/plan/config.js';
import type { PlannedService } from '../core/plan/server.js';
import type { WorkloadPreset } from '../core/workload.js';
import type { TargetsReport } from '../report/targets-report.js';
import { isConsoleTarget, readConsoleAlone } from '../pipeline/pooler.js';
import type { CheckServerReport } from '../report/check-server-report.js';
import type { Io } from '../ui/io.js';

export interface CheckServerOptions extends SharedOptions, ServerOptions, SessionOptions, StandbyOptions {
  readonly workload?: string;
  readonly config?: string;
  readonly poolMax?: number;
  readonly instances: number;
  readonly behindPooler: boolean;
}

/** What every target of a run is checked against: the workload, the plan and its services, the thresholds. */
interface CheckInputs {
  readonly options: CheckServerOptions;
  readonly io: Io;
  readonly poolPlan: PlanConfig | undefined;
  readonly preset: WorkloadPreset;
  /** The plan's services that connect to this target. */
  readonly services: readonly PlannedService[];
  /** Told what the target's server said (null: only its pooler's console was read), for the run's cross-checks. */
  readonly seen?: (facts: ServerFacts | null) => void;
}

/** `pooltune check-server`: facts from the server → pure checks → the report the pipeline finishes. */
async function runCheckServer(
  options: CheckServerOptions,
  io: Io,
): Promise<CheckServerReport | TargetsReport> {
  const poolPlan = await planAskedOrFound(options.config, io);
  const preset = await loadWorkload(
    options.workload ?? (poolPlan?.workload ? resolvePlanPath(poolPlan, poolPlan.workload, io.cwd) : 'oltp'),
    io.cwd,
  );
  // With a plan, its services are the fleet to check, unless --pool-max names one on the command line.
  const services = poolPlan && options.poolMax === undefined ? await plannedServices(poolPlan, io.cwd) : [];
  const several = severalTargetsOf(options, io, poolPlan);
  if (several === undefined)
    return checkTarget(targetOf(options, io, poolPlan), { options, io, poolPlan, preset, services });
  const onTarget = servicesByTarget(services, several);
  const seen = new Map<string, ServerFacts | null>();
  const outcomes = await onEveryTarget(several, ({ name, target }) =>
    checkTarget(target, {
      options,
      io,
      poolPlan,
      preset,
      services: onTarget(name),
      seen: (facts) => seen.set(name, facts),
    }),
  );
  return combineTargets(
    'check-server',
    outcomes,
    {
      failOn: failOnWithPlan(options, poolPlan),
      servicesOf: services.length === 0 ? undefined : (name) => onTarget(name).map((p) => p.service),
      surge: poolPlan?.surge,
    },
    seen,
  );
}

/** One target: the pooler alone when --db is its console, else the server and everything in front of it. */
async function checkTarget(target: Target, inputs: CheckInputs): Promise<CheckServerReport> {
  const { options, io, poolPlan, preset } = inputs;
  const services = [...inputs.services];
  const { failOn, endpoint: db } = target;
  const settings = {
    idleInTransactionMs: options.idleInTransactionThresholdMs,
    longQueryMs: options.longQueryThresholdMs,
    longTransactionMs: options.longTransactionThresholdMs,
  };
  if (isConsoleTarget(db.connection)) {
    // --db is a pooler's admin console: the pooler is judged alone, against the plan's fleet if there is one.
    const sighting = await readConsoleAlone(target);
    inputs.seen?.(null);
    const plan: ServerPlan = {
      workload: preset.name,
      workloadWantsStatementTimeout: preset.pool.queryTimeoutMs !== null,
      instances: options.instances,
      behindPooler: true,
    };
    const checked = runChecks(
      [poolerChecks],
      { pooler: poolerObservation(sighting, target.pooler.instances, undefined, services) },
      settings,
    );
    return {
      command: 'check-server',
      target: db.display,
      serverVersion: null,
      pooler: sighting,
      server: null,
      plan,
      ...verdict(checked, { failOn, ignore: poolPlan?.ignore ?? [] }),
    };
  }
  const facts = await withSession(target, io, options, async (session) => session.facts);
  inputs.seen?.(facts);
  await verbose(
    io,
    options,
    `PostgreSQL ${facts.serverVersion}, role ${facts.currentRole}${facts.activity.canSeeOthers ? '' : ' (cannot see other sessions)'}`,
  );

  const plan: ServerPlan = {
    workload: preset.name,
    workloadWantsStatementTimeout: preset.pool.queryTimeoutMs !== null,
    ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
    instances: options.instances,
    ...(options.serverMemoryBytes === undefined ? {} : { serverMemoryBytes: options.serverMemoryBytes }),
    behindPooler: options.behindPooler || facts.route.throughPooler || facts.pooler != null,
  };
  const slots = usableSlots(facts);
  const checked = runChecks(
    CHECK_SERVER_FAMILIES,
    {
      plan: {
        services,
        server: planServerFrom(facts),
        pooler: poolPlan?.pooler,
        throughPooler: plan.behindPooler,
        surge: poolPlan?.surge,
      },
      pooler: poolerObservation(facts.pooler, target.pooler.instances, facts, services),
      server: { facts, plan },
      standby: standbyObservation(facts, preset.pool.queryTimeoutMs, options.replayLag),
      sessions: {
        role: facts.currentRole,
        roster: facts.sessions,
        settings: sessionSettingsFrom(facts),
        idleInTransactionId: 'idle-in-transaction-sessions',
        privileges: facts.privileges,
      },
    },
    settings,
  );
  checked.skipped.push(...unreadPooler(facts.pooler));
  const report: CheckServerReport = {
    command: 'check-server',
    target: db.display,
    serverVersion: facts.serverVersion,
    pooler: facts.pooler ?? null,
    topology: facts.topology,
    provider: facts.provider,
    server: {
      role: facts.currentRole,
      database: facts.currentDatabase,
      maxConnections: slots.max,
      reservedConnections: slots.totalReserved,
      usableSlots: slots.usable,
      // As the slot-usage finding counts them: pooltune's own session is not a client of the application.
      clientConnections: otherClients(facts),
      canSeeOtherSessions: facts.activity.canSeeOthers,
    },
    plan,
    ...verdict(checked, { failOn, ignore: poolPlan?.ignore ?? [], server: facts }),
  };

  return report;
}

export const checkServer: CommandDeclaration<CheckServerOptions> = {
  severalTargets: true,
  description: [
    "Judge a server's connection settings and current usage against the tuning",
    'guide: the connection tier, reserved and usable slots and how many are taken,',
    'the idle-in-transaction, statement and idle-session timeouts, work_mem, and',
    'the memory connections may claim, and the sessions behind trouble now: idle',
    'in a transaction, long-running queries, long transactions and lock waits, each',
    'named by pid, role, application and ages. With --pool-max and --instances it',
    'checks a planned fleet against the usable slots. Through PgBouncer (or with',
    "--pooler) it reads the pooler's admin console and judges the whole chain: the",
    'server connections its pools may open, the fleet against max_client_conn,',
    'clients queued in it, and the timeouts on either side; with --db <admin',
    'console URL> it judges the pooler alone. Give --db more than once (name=url),',
    'or list targets in the plan, to check a primary, its standbys and its pooler in',
    'one run: one report, a section per target, the exit code of the worst. Each problem comes with the statement',
    'or pgbouncer.ini line that fixes it; pooltune prints it and never runs it.',
    // One paragraph: commander wraps it to the terminal's width.
  ].join(' '),
  flags: (command) =>
    addStandbyFlags(
      addSessionFlags(
        addServerFlags(
          command
            .option(
              '-w, --workload <name|file>',
              "the workload the server serves: decides the statement_timeout expected (default: the plan's, else oltp)",
            )
            .option(
              '--config <file>',
              'a pool plan to check as well (default: the nearest pooltune.config.json)',
            )
            .option(
              '--pool-max <n>',
              'planned pool size per application instance',
              count(COUNT_RANGES.poolMax),
            )
            .option(
              '--instances <n>',
              'planned application instances (with --pool-max)',
              count(COUNT_RANGES.instances),
              1,
            ),
        ).option('--behind-pooler', 'the applications connect through a pooler such as PgBouncer'),
      ),
    ),
  read: (command) => {
    const raw = command.opts<{
      workload?: string;
      config?: string;
      poolMax?: number;
      instances: number;
      behindPooler?: boolean;
    }>();
    return {
      ...readShared(command, true),
      ...(raw.workload === undefined ? {} : { workload: raw.workload }),
      ...(raw.config === undefined ? {} : { config: raw.config }),
      ...(raw.poolMax === undefined ? {} : { poolMax: raw.poolMax }),
      instances: raw.instances,
      ...readServer(command),
      ...readSessionFlags(command),
      ...readStandbyFlags(command),
      behindPooler: raw.behindPooler === true,
    };
  },
  help: `
Examples:
  pooltune check-server --db postgres://admin@db:5432/postgres
  pooltune check-server --workload batch --server-memory 32GB
  pooltune check-server --pool-max 50 --instances 6 --fail-on warning --format json
  pooltune check-server --long-query-threshold 30s --show-queries
  pooltune check-server --db postgres://app@pgbouncer:6432/app --pooler postgres://stats@pgbouncer:6432/pgbouncer
  pooltune check-server --db postgres://stats@pgbouncer:6432/pgbouncer
  pooltune check-server --db primary=postgres://admin@db1:5432/app --db replica=postgres://admin@db2:5432/app`,
  run: runCheckServer,
};
