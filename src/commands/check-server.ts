import { runServerChecks, type ServerPlan } from '../core/checks/index.js';
import { exitCodeFor } from '../core/exit-codes.js';
import { usableSlots } from '../core/server-facts.js';
import { loadWorkload } from '../config/load-workload.js';
import type { CheckServerReport } from '../report/check-server-report.js';
import type { Io } from '../ui/io.js';
import { verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, withDatabase, type DatabaseOptions } from './database.js';

export interface CheckServerOptions extends CommonOptions, DatabaseOptions {
  readonly workload: string;
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
  const db = resolveDatabase(options, io);
  const preset = await loadWorkload(options.workload, io.cwd);
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
  const { findings, skipped } = runServerChecks({ facts, plan });
  const exitCode = exitCodeFor(findings, options.failOn);
  const slots = usableSlots(facts);
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
    failOn: options.failOn,
    exitCode,
  };

  await writeReport(io, options, {
    json: async () => {
      const [{ renderJsonReport }, { settingStatusRows }] = await Promise.all([
        import('../report/json.js'),
        import('../report/check-server-report.js'),
      ]);
      const body = { server: report.server, plan, settings: settingStatusRows(findings) };
      return renderJsonReport(report, body, pooltuneVersion);
    },
    markdown: async () =>
      (await import('../report/check-server-markdown.js')).renderCheckServerMarkdown(report),
    text: async (render) =>
      (await import('../report/check-server-text.js')).renderCheckServerText(report, render),
  });
  return exitCode;
}
