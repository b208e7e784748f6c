import { runServerChecks, type ServerPlan } from '../core/checks/index.js';
import { exitCodeFor } from '../core/exit-codes.js';
import type { FailOn } from '../core/findings.js';
import { applyIgnores } from '../core/ignore.js';
import { checkPlan, planServerFrom } from '../core/plan/checks.js';
import { usableSlots } from '../core/server-facts.js';
import { failOnWithPlan, loadPlan, resolvePlanPath } from '../config/load-plan.js';
import { plannedServices } from './preflight.js';
import { loadWorkload } from '../config/load-workload.js';
import type { CheckServerReport } from '../report/check-server-report.js';
import type { Io } from '../ui/io.js';
import { verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, withDatabase, type DatabaseOptions } from './database.js';

export interface CheckServerOptions extends CommonOptions, DatabaseOptions {
  readonly workload?: string;
  readonly config?: string;
  readonly failOnGiven: boolean;
  readonly poolMax?: number;
  readonly instances: number;
  readonly serverMemoryBytes?: number;
  readonly behindPooler: boolean;
}

/** `pooltune check-server`: facts from the server → pure checks → report; returns the exit code. */
export async function runCheckServer(
  options: CheckServerOptions,
  io: Io,
  pooltuneVersion: string,
): Promise<number> {
  const poolPlan = await loadPlan(options.config, io.cwd);
  const failOn: FailOn = failOnWithPlan(options, poolPlan);
  const db = resolveDatabase({ ...options, ...(poolPlan?.urlEnv ? { urlEnv: poolPlan.urlEnv } : {}) }, io);
  const preset = await loadWorkload(
    options.workload ?? (poolPlan?.workload ? resolvePlanPath(poolPlan, poolPlan.workload, io.cwd) : 'oltp'),
    io.cwd,
  );
  // With a plan, its services are the fleet to check, unless --pool-max names one on the command line.
  const services = poolPlan && options.poolMax === undefined ? await plannedServices(poolPlan, io.cwd) : [];
  const { collectServerFacts } = await import('../probes/facts.js');
  const facts = await withDatabase(db, io, options, collectServerFacts);
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
    behindPooler: options.behindPooler,
  };
  const slots = usableSlots(facts);
  const checked = runServerChecks({ facts, plan });
  const planFindings = checkPlan(services, planServerFrom(facts), poolPlan?.pooler);
  const { findings, ignored } = applyIgnores([...planFindings, ...checked.findings], poolPlan?.ignore ?? []);
  const { skipped } = checked;
  const exitCode = exitCodeFor(findings, failOn);
  const report: CheckServerReport = {
    command: 'check-server',
    target: db.display,
    serverVersion: facts.serverVersion,
    server: {
      role: facts.currentRole,
      database: facts.currentDatabase,
      maxConnections: slots.max,
      reservedConnections: slots.superuserReserved + slots.reserved,
      usableSlots: slots.usable,
      clientConnections: facts.activity.clientBackends,
      canSeeOtherSessions: facts.activity.canSeeOthers,
    },
    plan,
    findings,
    skipped,
    ignored,
    failOn,
    exitCode,
  };

  await writeReport(io, options, pooltuneVersion, async () =>
    (await import('../report/documents/check-server.js')).checkServerDocument(report),
  );
  return exitCode;
}
