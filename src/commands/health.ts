import { exitCodeFor } from '../core/exit-codes.js';
import type { Finding, Skipped } from '../core/findings.js';
import { churnBetween } from '../core/health/churn.js';
import type { HealthMetrics } from '../core/health/metrics.js';
import { evaluateHealth } from '../core/health/rules.js';
import { probePoolSize, utilisationFrom } from '../core/health/utilisation.js';
import { majorVersion, type ServerFacts } from '../core/server-facts.js';
import type { SchemaSpec } from '../core/schema/types.js';
import type { OpenSession, Session } from '../probes/connect.js';
import type { HealthReport } from '../report/health-report.js';
import type { Io } from '../ui/io.js';
import { progressOn, type Progress } from '../ui/progress.js';
import { verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, type DatabaseOptions, type ResolvedDatabase } from './database.js';

export interface HealthOptions extends CommonOptions, DatabaseOptions {
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
  readonly query?: string;
  readonly schema?: string;
  readonly idleInTransactionThresholdMs: number;
  /** statement_timeout of pooltune's own sessions: bounds --query and every probe query. */
  readonly statementTimeoutMs: number;
}

/** How many fresh connections the connectivity probe opens beyond the main session. */
const CONNECT_SAMPLES = 4;

/** What one health run measured on an open session. */
export interface HealthRun {
  readonly metrics: HealthMetrics;
  readonly peakConnections: number;
  readonly schema: { findings: Finding[]; skipped: Skipped[] };
}

export interface ProbeSettings {
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
  readonly query: string;
  readonly connectTimeoutMs: number;
  readonly schemaSpec?: SchemaSpec;
}

/** The probes, in order, on a session that is already open and whose facts are collected. */
export async function probeHealth(
  opened: OpenSession,
  facts: ServerFacts,
  settings: ProbeSettings,
  io: Io,
  options: CommonOptions,
  progress: Progress,
): Promise<HealthRun> {
  const probes = await import('../probes/health.js');
  const hasSessionCounters = majorVersion(facts) >= 14;
  const before = hasSessionCounters ? await probes.readSessionCounters(opened.session) : undefined;
  const utilisation = utilisationFrom(facts);
  const budget = probePoolSize(settings.probeConnections, utilisation);
  const extraConnects = Math.max(0, Math.min(CONNECT_SAMPLES, budget.free - budget.margin));
  await verbose(
    io,
    options,
    `${budget.free} free slots, keeping ${budget.margin} spare: pool probe of ${budget.size}, ${extraConnects} extra connect samples`,
  );

  await progress.step('timing fresh connections');
  const connectivity = await probes.measureConnectivity(opened, extraConnects);

  await progress.step(`driving a pool of ${budget.size} for ${settings.durationMs}ms`);
  const acquisition = await probes.measureAcquisition(opened, {
    poolSize: budget.size,
    requestedPoolSize: settings.probeConnections,
    durationMs: settings.durationMs,
    acquireTimeoutMs: Math.min(settings.connectTimeoutMs, 5000),
    query: settings.query,
  });

  await progress.step(`timing ${settings.samples} round trips`);
  const queryLatency = await probes.measureQueryLatency(opened.session, settings.samples, settings.query);
  const after = hasSessionCounters ? await probes.readSessionCounters(opened.session) : undefined;
  const churn = before && after ? churnBetween(before, after, extraConnects + budget.size) : null;

  let schema: HealthRun['schema'] = { findings: [], skipped: [] };
  if (settings.schemaSpec) {
    await progress.step('verifying the schema');
    schema = await verifySchemaOn(opened.session, settings.schemaSpec);
  }
  return {
    metrics: { connectivity, acquisition, queryLatency, utilisation, churn },
    peakConnections: Math.max(extraConnects > 0 ? 2 : 1, 1 + budget.size),
    schema,
  };
}

/**
 * Opens the main session, collects the facts once, runs the probes when `settings` asks for them, and
 * closes everything, whatever happens. Shared by health and preflight.
 */
export async function factsAndProbes(
  db: ResolvedDatabase,
  io: Io,
  options: CommonOptions,
  progress: Progress,
  settings: ProbeSettings | undefined,
): Promise<{ facts: ServerFacts; run?: HealthRun }> {
  const [{ openSession }, { collectServerFacts }] = await Promise.all([
    import('../probes/connect.js'),
    import('../probes/facts.js'),
  ]);
  await progress.step(`connecting to ${db.display}`);
  await verbose(io, options, `connecting to ${db.display} (from ${db.target.source})`);
  const opened = await openSession(db.target, db.sessionOptions);
  try {
    const facts = await collectServerFacts(opened.session);
    if (!settings) return { facts };
    return { facts, run: await probeHealth(opened, facts, settings, io, options, progress) };
  } finally {
    await progress.done();
    await opened.close();
  }
}

/** `pooltune health`: bounded read-only probes of a live server → health rules → report. */
export async function runHealth(options: HealthOptions, io: Io, pooltuneVersion: string): Promise<number> {
  const started = performance.now();
  const resolved = resolveDatabase(options, io);
  const db = {
    ...resolved,
    sessionOptions: { ...resolved.sessionOptions, statementTimeoutMs: options.statementTimeoutMs },
  };
  const progress = progressOn(io, options.format === 'text' && !options.quiet);
  const schemaSpec = options.schema === undefined ? undefined : await loadSchema(options.schema, io.cwd);
  const { DEFAULT_PROBE_QUERY } = await import('../probes/health.js');
  const query = options.query ?? DEFAULT_PROBE_QUERY;

  const { facts, run } = await factsAndProbes(db, io, options, progress, {
    probeConnections: options.probeConnections,
    durationMs: options.durationMs,
    samples: options.samples,
    query,
    connectTimeoutMs: db.sessionOptions.connectTimeoutMs,
    ...(schemaSpec ? { schemaSpec } : {}),
  });
  if (!run) throw new Error('the health probes did not run');
  const serverVersion = facts.serverVersion;
  const { metrics, peakConnections, schema: schemaOutcome } = run;

  const evaluated = evaluateHealth(metrics, { idleInTransactionMs: options.idleInTransactionThresholdMs });
  const findings = [...evaluated.findings, ...schemaOutcome.findings];
  const skipped = [...evaluated.skipped, ...schemaOutcome.skipped];
  const exitCode = exitCodeFor(findings, options.failOn);
  const report: HealthReport = {
    command: 'health',
    target: db.display,
    serverVersion,
    metrics,
    probe: {
      wallMs: Math.round(performance.now() - started),
      durationMs: options.durationMs,
      samples: options.samples,
      query,
      requestedConnections: options.probeConnections,
      peakConnections,
    },
    schema: options.schema ?? null,
    findings,
    skipped,
    failOn: options.failOn,
    exitCode,
  };
  await writeReport(io, options, pooltuneVersion, async () =>
    (await import('../report/documents/health.js')).healthDocument(report),
  );
  return exitCode;
}

export async function loadSchema(value: string, cwd: string): Promise<SchemaSpec> {
  const { loadSchemaSpec } = await import('../config/load-schema-spec.js');
  return loadSchemaSpec(value, cwd);
}

async function verifySchemaOn(
  session: Session,
  spec: SchemaSpec,
): Promise<{ findings: Finding[]; skipped: Skipped[] }> {
  const [{ readCatalog }, { verifySchema }] = await Promise.all([
    import('../probes/schema.js'),
    import('../core/schema/verify.js'),
  ]);
  return verifySchema(spec, await readCatalog(session, spec));
}
