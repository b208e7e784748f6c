import { runServerChecks } from '../core/checks/index.js';
import { UsageError } from '../core/errors.js';
import { exitCodeFor } from '../core/exit-codes.js';
import type { FailOn, Finding, Skipped } from '../core/findings.js';
import { evaluateHealth } from '../core/health/rules.js';
import { applyIgnores } from '../core/ignore.js';
import { checkPlan, planServerFrom, type PlannedService } from '../core/plan/checks.js';
import type { PlanConfig } from '../core/plan/config.js';
import { failOnWithPlan, loadPlan, resolvePlanPath, serviceWorkload } from '../config/load-plan.js';
import { loadWorkload } from '../config/load-workload.js';
import type { PreflightReport } from '../report/preflight-report.js';
import type { Io } from '../ui/io.js';
import { progressOn } from '../ui/progress.js';
import { verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, type DatabaseOptions } from './database.js';
import { factsAndProbes } from './health.js';

export interface PreflightOptions extends CommonOptions, DatabaseOptions {
  readonly config?: string;
  /** Whether --fail-on came from the command line or the environment (then it beats the config file). */
  readonly failOnGiven: boolean;
  readonly health: boolean;
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
}

/** The plan with each service's workload preset loaded (paths relative to the config file). */
export async function plannedServices(plan: PlanConfig, cwd: string): Promise<PlannedService[]> {
  return Promise.all(
    plan.services.map(async (service) => ({
      service,
      preset: await loadWorkload(resolvePlanPath(plan, serviceWorkload(plan, service), cwd), cwd),
    })),
  );
}

/** `pooltune preflight`: check-server, a short health probe and the plan checks, one report, one exit code. */
export async function runPreflight(
  options: PreflightOptions,
  io: Io,
  pooltuneVersion: string,
): Promise<number> {
  const plan = await loadPlan(options.config, io.cwd);
  if (!plan || plan.services.length === 0) {
    throw new UsageError(
      plan
        ? `${plan.file} lists no services; preflight checks a plan of services against the server`
        : 'preflight needs a plan: pooltune.config.json in this folder or above, or --config <file>',
    );
  }
  const failOn: FailOn = failOnWithPlan(options, plan);
  const services = await plannedServices(plan, io.cwd);
  const workload = await loadWorkload(resolvePlanPath(plan, plan.workload ?? 'oltp', io.cwd), io.cwd);
  const db = resolveDatabase({ ...options, ...(plan.urlEnv ? { urlEnv: plan.urlEnv } : {}) }, io);
  const progress = progressOn(io, options.format === 'text' && !options.quiet);
  const { DEFAULT_PROBE_QUERY } = await import('../probes/health.js');

  await verbose(
    io,
    options,
    `plan ${plan.file}: ${services.length} services; target ${db.display} (from ${db.target.source})`,
  );
  const { facts, run } = await factsAndProbes(
    db,
    io,
    options,
    progress,
    options.health
      ? {
          probeConnections: options.probeConnections,
          durationMs: options.durationMs,
          samples: options.samples,
          query: DEFAULT_PROBE_QUERY,
          connectTimeoutMs: db.sessionOptions.connectTimeoutMs,
        }
      : undefined,
  );

  const planServer = planServerFrom(facts);
  const server = runServerChecks({
    facts,
    plan: {
      workload: workload.name,
      workloadWantsStatementTimeout: workload.pool.queryTimeoutMs !== null,
      instances: 1,
      behindPooler: plan.pooler !== undefined,
    },
  });
  // check-server's slot-usage already judges how full the server is; health's own view would repeat it.
  const evaluated = run
    ? evaluateHealth(run.metrics)
    : { findings: [] as Finding[], skipped: [] as Skipped[] };
  const health = { ...evaluated, findings: evaluated.findings.filter((f) => f.id !== 'server-utilisation') };
  const planFindings = checkPlan(services, planServer, plan.pooler);
  const { findings, ignored } = applyIgnores(
    [...planFindings, ...server.findings, ...health.findings],
    plan.ignore,
  );
  const skipped = [
    ...server.skipped,
    ...health.skipped.filter((s) => !server.skipped.some((t) => t.id === s.id)),
  ];
  const exitCode = exitCodeFor(findings, failOn);
  const report: PreflightReport = {
    command: 'preflight',
    target: db.display,
    serverVersion: facts.serverVersion,
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
    findings,
    skipped,
    ignored,
    failOn,
    exitCode,
  };
  await writeReport(io, options, pooltuneVersion, async () =>
    (await import('../report/documents/preflight.js')).preflightDocument(report),
  );
  return exitCode;
}
