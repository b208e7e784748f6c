import { Option } from 'commander';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import { count, duration, hasControlCharacter } from '../cli/flags/values.js';
import {
  HEALTH_FAMILIES,
  overWindow,
  poolerObservation,
  runChecks,
  standbyObservation,
  unreadPooler,
} from '../core/checks/index.js';
import { addStandbyFlags, readStandbyFlags, type StandbyOptions } from '../cli/flags/standby.js';
import { addSessionFlags, readSessionFlags, type SessionOptions } from '../cli/flags/sessions.js';
import { sessionSettingsFrom } from '../core/sessions/settings.js';
import { DEFAULT_STATEMENT_TIMEOUT_MS, HEALTH_PROBE } from '../core/guide.js';
import { COUNT_RANGES } from '../core/numbers.js';
import { formatDuration } from '../core/units.js';
import { verdict } from '../pipeline/finish.js';
import { withSession } from '../pipeline/session.js';
import { targetOf, type Target } from '../pipeline/target.js';
import { onEveryTarget, severalTargetsOf } from '../pipeline/targets.js';
import { combineTargets } from '../pipeline/combine-targets.js';
import type { TargetsReport } from '../report/targets-report.js';
import type { SchemaSpec } from '../core/schema/types.js';
import type { ServerFacts } from '../core/server-facts.js';
import type { HealthReport } from '../report/health-report.js';
import { untilStopped } from '../ui/interrupt.js';
import type { Io } from '../ui/io.js';
import { progressOn } from '../ui/progress.js';

export interface HealthOptions extends SharedOptions, SessionOptions, StandbyOptions {
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
  readonly query?: string;
  /** The longest the uncounted warm-up before the timed round trips may take. */
  readonly warmupMaxMs: number;
  readonly schema?: string;
  /** statement_timeout of pooltune's own sessions: bounds --query and every probe query. */
  readonly statementTimeoutMs: number;
}

/** `pooltune health`: bounded read-only probes of a live server → health rules → report. */
async function runHealth(options: HealthOptions, io: Io): Promise<HealthReport | TargetsReport> {
  const schemaSpec =
    options.schema === undefined
      ? undefined
      : await (await import('../config/load-schema-spec.js')).loadSchemaSpec(options.schema, io.cwd);
  // health reads no plan: its target is --db (given once or more), else DATABASE_URL, else PG*.
  const settings = { statementTimeoutMs: options.statementTimeoutMs };
  const several = severalTargetsOf(options, io, undefined, settings);
  if (several === undefined)
    return healthOf(targetOf(options, io, undefined, settings), options, io, schemaSpec);
  let stoppedBy: HealthReport['probe']['stoppedBy'] = null;
  const seen = new Map<string, ServerFacts | null>();
  // One target at a time: probes on one server would colour another's latencies, and a stop ends the run.
  const outcomes = await onEveryTarget(
    several,
    async ({ name, target }) => {
      const report = await healthOf(target, options, io, schemaSpec, (facts) => seen.set(name, facts));
      stoppedBy = report.probe.stoppedBy ?? null;
      return report;
    },
    1,
    () => stoppedBy ?? null,
  );
  return combineTargets(
    'health',
    outcomes,
    {
      failOn: several[0]!.target.failOn,
      servicesOf: undefined,
      surge: undefined,
    },
    seen,
  );
}

/** One target's probes and health rules: the report health gives of it alone. */
async function healthOf(
  target: Target,
  options: HealthOptions,
  io: Io,
  schemaSpec: SchemaSpec | undefined,
  /** Told what the target's server said, for the run's cross-checks. */
  seen?: (facts: ServerFacts) => void,
): Promise<HealthReport> {
  const started = performance.now();
  const db = target.endpoint;
  const progress = progressOn(io, options.format === 'text' && !options.quiet);
  const probes = await import('../pipeline/health-probes.js');
  const query = options.query ?? probes.DEFAULT_PROBE_QUERY;

  // Ctrl-C (or SIGTERM) ends the probe under way early and skips the rest; what was measured is reported.
  const {
    value: { serverVersion, pooler, topology, standby, provider, chain, sessions, run },
    stoppedBy,
  } = await untilStopped((stop) =>
    withSession(
      target,
      io,
      options,
      async (session) => ({
        serverVersion: (seen?.(session.facts), session.facts.serverVersion),
        pooler: session.facts.pooler ?? null,
        topology: session.facts.topology,
        // health knows no workload: statement_timeout alone bounds the standby's queries.
        standby: standbyObservation(session.facts, null, options.replayLag),
        provider: session.facts.provider,
        chain: poolerObservation(session.facts.pooler, target.pooler.instances, session.facts, []),
        sessions: {
          role: session.facts.currentRole,
          roster: session.facts.sessions,
          settings: sessionSettingsFrom(session.facts),
          idleInTransactionId: 'idle-in-transaction' as const,
          privileges: session.facts.privileges,
        },
        run: await probes.probeHealth(
          session,
          {
            probeConnections: options.probeConnections,
            durationMs: options.durationMs,
            samples: options.samples,
            query,
            warmupMaxMs: options.warmupMaxMs,
            ...(schemaSpec ? { schemaSpec } : {}),
            stop,
          },
          io,
          options,
          progress,
        ),
      }),
      progress,
    ),
  );
  const { metrics, peakConnections } = run;

  const checked = runChecks(
    HEALTH_FAMILIES,
    {
      health: metrics,
      standby,
      sessions,
      schema: run.schema,
      // The console as it was after the probes, and what its totals said of the probe's window.
      pooler: overWindow(chain, run.poolerAfter),
    },
    {
      idleInTransactionMs: options.idleInTransactionThresholdMs,
      longQueryMs: options.longQueryThresholdMs,
      longTransactionMs: options.longTransactionThresholdMs,
    },
  );
  checked.skipped.push(...unreadPooler(pooler));
  if (stoppedBy) {
    const notRun = `not measured: stopped by ${stoppedBy} before it ran`;
    if (metrics.acquisition === null) checked.skipped.push({ id: 'acquisition-wait', reason: notRun });
    if (metrics.queryLatency.latency.count === 0 && !metrics.queryLatency.timedOut)
      checked.skipped.push({ id: 'query-latency', reason: notRun });
    await io.stderr.write(
      `pooltune: stopped by ${stoppedBy}; connections closed, reporting what was measured\n`,
    );
  }
  const report: HealthReport = {
    command: 'health',
    target: db.display,
    serverVersion,
    pooler,
    topology,
    provider,
    metrics,
    probe: {
      wallMs: Math.round(performance.now() - started),
      durationMs: options.durationMs,
      samples: options.samples,
      query,
      requestedConnections: options.probeConnections,
      peakConnections,
      stoppedBy,
    },
    schema: options.schema ?? null,
    ...verdict(checked, { failOn: target.failOn, stoppedBy, server: standby.facts }),
  };
  return report;
}

export const health: CommandDeclaration<HealthOptions> = {
  severalTargets: true,
  description: [
    'Probe a live server, read-only and bounded: the time a fresh connection takes, a',
    'small pool shared by twice as many callers (acquisition waits, timeouts), query',
    'latency percentiles over many round trips, how full the server is, the sessions',
    'idle in a transaction, running long queries or transactions, or waiting on a lock',
    '(each named by pid, role and application), connection churn, and optionally the',
    "schema. The pool probe never takes the server's last free slots: it shrinks and",
    'says so. Give --db more than once (name=url) to probe several servers in turn,',
    'with one report.',
    // One paragraph: commander wraps it to the terminal's width.
  ].join(' '),
  flags: (command) =>
    addStandbyFlags(addSessionFlags(command))
      .option(
        '--probe-connections <n>',
        'size of the probe pool (shrunk to leave free slots)',
        count(COUNT_RANGES.probeConnections),
        HEALTH_PROBE.connections,
      )
      .addOption(
        new Option('--duration <duration>', 'how long to drive the probe pool')
          .argParser(duration)
          .default(HEALTH_PROBE.durationMs, formatDuration(HEALTH_PROBE.durationMs)),
      )
      .option('--samples <n>', 'query round trips to time', count(COUNT_RANGES.samples), HEALTH_PROBE.samples)
      .option('--query <sql>', 'a read-only query to time instead of SELECT 1')
      .addOption(
        new Option(
          '--warmup <duration>',
          'the longest to warm up with uncounted round trips before the timed ones',
        )
          .argParser(duration)
          .default(HEALTH_PROBE.warmupMaxMs, formatDuration(HEALTH_PROBE.warmupMaxMs)),
      )
      .option(
        '--schema <eventcore|file>',
        "verify the schema: EventCore 2.x's tables and migrations, or a JSON spec file",
      )
      .addOption(
        new Option(
          '--statement-timeout <duration>',
          "statement_timeout of pooltune's sessions, for --query too",
        )
          .argParser(duration)
          .default(DEFAULT_STATEMENT_TIMEOUT_MS, formatDuration(DEFAULT_STATEMENT_TIMEOUT_MS)),
      ),
  read: (command) => {
    const raw = command.opts<{
      probeConnections: number;
      duration: number;
      samples: number;
      query?: string;
      warmup: number;
      schema?: string;
      statementTimeout: number;
    }>();
    if (raw.query !== undefined && raw.query.trim() === '')
      command.error("error: option '--query <sql>' is empty");
    if (raw.query !== undefined && hasControlCharacter(raw.query))
      command.error(
        "error: option '--query <sql>' holds a control character; expected a read-only SQL query",
      );
    return {
      ...readShared(command, true),
      ...readSessionFlags(command),
      ...readStandbyFlags(command),
      probeConnections: raw.probeConnections,
      durationMs: raw.duration,
      samples: raw.samples,
      ...(raw.query === undefined ? {} : { query: raw.query }),
      warmupMaxMs: raw.warmup,
      ...(raw.schema === undefined ? {} : { schema: raw.schema }),
      statementTimeoutMs: raw.statementTimeout,
    };
  },
  help: `
Examples:
  pooltune health --db postgres://monitor@db:5432/app
  pooltune health --probe-connections 2 --duration 5s --samples 1000 --format json
  pooltune health --schema eventcore --fail-on warning
  pooltune health --query "select count(*) from orders where created_at > now() - interval '1 minute'"

Ctrl-C (or SIGTERM) ends the probe under way early and skips the rest: what was
measured is still printed, exit 130 (143).`,
  run: runHealth,
};
