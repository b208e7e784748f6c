import {
  overWindow,
  poolerObservation,
  runPreflightChecks,
  standbyObservation,
  unreadPooler,
} from '../core/checks/index.js';
import { UsageError } from '../core/errors.js';
import { PREFLIGHT_PROBE } from '../core/guide.js';
import { COUNT_RANGES } from '../core/numbers.js';
import { formatDuration } from '../core/units.js';
import { planServerFrom } from '../core/plan/server.js';
import type { ServerFacts } from '../core/server-facts.js';
import { loadPlan, resolvePlanPath } from '../config/load-plan.js';
import { loadWorkload } from '../config/load-workload.js';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import { addServerFlags, readServer, type ServerOptions } from '../cli/flags/server.js';
import { addStandbyFlags, readStandbyFlags, type StandbyOptions } from '../cli/flags/standby.js';
import { count, duration } from '../cli/flags/values.js';
import { verdict } from '../pipeline/finish.js';
import { verbose } from '../pipeline/output.js';
import { plannedServices } from '../pipeline/plan.js';
import { withSession } from '../pipeline/session.js';
import { sessionSettingsFrom } from '../core/sessions/settings.js';
import { targetOf, type Target } from '../pipeline/target.js';
import { onEveryTarget, servicesByTarget, severalTargetsOf } from '../pipeline/targets.js';
import { combineTargets } from '../pipeline/combine-targets.js';
import { failOnWithPlan } from '../config/load-plan.js';
import type { PlanConfig } from '../core/plan/config.js';
import type { PlannedService } from '../core/plan/server.js';
import type { WorkloadPreset } from '../core/workload.js';
import type { TargetsReport } from '../report/targets-report.js';
import type { PreflightReport } from '../report/preflight-report.js';
import type { Io } from '../ui/io.js';
import { progressOn } from '../ui/progress.js';
import { Option } from 'commander';

export interface PreflightOptions extends SharedOptions, ServerOptions, StandbyOptions {
  readonly config?: string;
  readonly health: boolean;
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
}

/** `pooltune preflight`: check-server, a short health probe and the plan checks, one report, one exit code. */
async function runPreflight(options: PreflightOptions, io: Io): Promise<PreflightReport | TargetsReport> {
  const plan = await loadPlan(options.config, io.cwd);
  if (!plan || plan.services.length === 0) {
    throw new UsageError(
      plan
        ? `${plan.file} lists no services; preflight checks a plan of services against the server`
        : 'preflight needs a plan: pooltune.config.json in this folder or above, or --config <file>',
    );
  }
  const services = await plannedServices(plan, io.cwd);
  const workload = await loadWorkload(resolvePlanPath(plan, plan.workload ?? 'oltp', io.cwd), io.cwd);
  const several = severalTargetsOf(options, io, plan);
  if (several === undefined)
    return preflightTarget(targetOf(options, io, plan), { options, io, plan, services, workload });
  const onTarget = servicesByTarget(services, several);
  const seen = new Map<string, ServerFacts | null>();
  // With health probes, one target at a time: their latencies are then each server's own.
  const outcomes = await onEveryTarget(
    several,
    ({ name, target }) =>
      preflightTarget(target, {
        options,
        io,
        plan,
        services: onTarget(name),
        workload,
        seen: (facts) => seen.set(name, facts),
      }),
    options.health ? 1 : undefined,
  );
  return combineTargets(
    'preflight',
    outcomes,
    {
      failOn: failOnWithPlan(options, plan),
      servicesOf: (name) => onTarget(name).map((p) => p.service),
      surge: plan.surge,
    },
    seen,
  );
}

interface PreflightInputs {
  readonly options: PreflightOptions;
  readonly io: Io;
  readonly plan: PlanConfig;
  /** The plan's services that connect to this target. */
  readonly services: readonly PlannedService[];
  readonly workload: WorkloadPreset;
  /** Told what the target's server said, for the run's cross-checks. */
  readonly seen?: (facts: ServerFacts) => void;
}

/** One target: its facts, the short health probe, and the checks of the plan's services on it. */
async function preflightTarget(target: Target, inputs: PreflightInputs): Promise<PreflightReport> {
  const { options, io, plan, workload } = inputs;
  const services = [...inputs.services];
  const { failOn, endpoint: db } = target;
  const progress = progressOn(io, options.format === 'text' && !options.quiet);
  const probes = await import('../pipeline/health-probes.js');

  await verbose(
    io,
    options,
    `plan ${plan.file}: ${services.length} services; target ${db.display} (from ${db.connection.source})`,
  );
  const { facts, run } = await withSession(
    target,
    io,
    options,
    async (session) => ({
      facts: (inputs.seen?.(session.facts), session.facts),
      run: options.health
        ? await probes.probeHealth(
            session,
            {
              probeConnections: options.probeConnections,
              durationMs: options.durationMs,
              samples: options.samples,
              query: probes.DEFAULT_PROBE_QUERY,
            },
            io,
            options,
            progress,
          )
        : undefined,
    }),
    progress,
  );

  const planServer = planServerFrom(facts);
  // check-server's families and health's; health's utilisation gives way to the server's slot usage.
  const checked = runPreflightChecks({
    plan: {
      services,
      server: planServer,
      pooler: plan.pooler,
      surge: plan.surge,
      throughPooler: plan.pooler !== undefined || facts.route.throughPooler || facts.pooler != null,
    },
    server: {
      facts,
      plan: {
        workload: workload.name,
        workloadWantsStatementTimeout: workload.pool.queryTimeoutMs !== null,
        instances: 1,
        behindPooler: plan.pooler !== undefined || facts.route.throughPooler || facts.pooler != null,
        ...(options.serverMemoryBytes === undefined ? {} : { serverMemoryBytes: options.serverMemoryBytes }),
      },
    },
    health: run?.metrics,
    standby: standbyObservation(facts, workload.pool.queryTimeoutMs, options.replayLag),
    // After the health probes, the console's second reading judges their window.
    pooler: overWindow(
      poolerObservation(facts.pooler, target.pooler.instances, facts, services),
      run?.poolerAfter,
    ),
    sessions: {
      role: facts.currentRole,
      roster: facts.sessions,
      settings: sessionSettingsFrom(facts),
      idleInTransactionId: 'idle-in-transaction-sessions',
      privileges: facts.privileges,
    },
  });
  checked.skipped.push(...unreadPooler(facts.pooler));
  const report: PreflightReport = {
    command: 'preflight',
    target: db.display,
    serverVersion: facts.serverVersion,
    pooler: facts.pooler ?? null,
    topology: facts.topology,
    provider: facts.provider,
    configFile: plan.file,
    plan: services.map(({ service, preset }) => ({
      service: service.name,
      workload: preset.name,
      instances: service.instances,
      poolMax: service.pool.maxConnections,
      total: service.instances * service.pool.maxConnections,
    })),
    server: {
      maxConnections: planServer.maxConnections,
      reservedSlots: planServer.reservedSlots,
      usableSlots: planServer.maxConnections - planServer.reservedSlots,
      heldNow: planServer.heldNow,
    },
    metrics: run?.metrics ?? null,
    ...verdict(checked, { failOn, ignore: plan.ignore, server: facts }),
  };
  return report;
}

export const preflight: CommandDeclaration<PreflightOptions> = {
  severalTargets: true,
  description: [
    'Check the pool plan in pooltune.config.json (found from this folder upwards, or',
    '--config) against its server in one go: the check-server checks, a short health',
    'probe, and the plan checks (the fleet total against the free slots, and each',
    "service's pool against its recommendation). One report, one exit code. A plan",
    'that lists targets (or --db given more than once, as name=url) is checked on',
    'each target with the services that connect to it, one target at a time.',
    // One paragraph: commander wraps it to the terminal's width.
  ].join(' '),
  flags: (command) =>
    addStandbyFlags(
      addServerFlags(
        command
          .option('--config <file>', 'the plan file (default: the nearest pooltune.config.json)')
          .option('--no-health', 'skip the live health probe')
          .option(
            '--probe-connections <n>',
            'size of the health probe pool',
            count(COUNT_RANGES.probeConnections),
            PREFLIGHT_PROBE.connections,
          )
          .addOption(
            new Option('--duration <duration>', 'how long to drive the probe pool')
              .argParser(duration)
              .default(PREFLIGHT_PROBE.durationMs, formatDuration(PREFLIGHT_PROBE.durationMs)),
          )
          .option(
            '--samples <n>',
            'query round trips to time',
            count(COUNT_RANGES.samples),
            PREFLIGHT_PROBE.samples,
          ),
      ),
    ),
  read: (command) => {
    const raw = command.opts<{
      config?: string;
      health: boolean;
      probeConnections: number;
      duration: number;
      samples: number;
    }>();
    return {
      ...readShared(command, true),
      ...(raw.config === undefined ? {} : { config: raw.config }),
      health: raw.health,
      probeConnections: raw.probeConnections,
      durationMs: raw.duration,
      samples: raw.samples,
      ...readServer(command),
      ...readStandbyFlags(command),
    };
  },
  help: `
Examples:
  pooltune preflight                                  # pooltune.config.json, target from its urlEnv
  pooltune preflight --config deploy/pooltune.config.json --fail-on warning
  pooltune preflight --format github                  # annotations + step summary in GitHub Actions`,
  run: runPreflight,
};
