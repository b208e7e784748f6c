import { utilisationFrom } from '../core/health/utilisation.js';
import {
  limitsOf,
  monitorChecks,
  poolerChecks,
  poolerObservation,
  unreadPooler,
  runChecks,
  type MonitorContext,
} from '../core/checks/index.js';
import { ConnectionError } from '../core/errors.js';
import { EXIT_CODE } from '../core/exit-codes.js';
import { keepWorstSessions, type WorstSessions } from '../core/monitor/worst-sessions.js';
import { sessionSettingsFrom } from '../core/sessions/settings.js';
import { addSessionFlags, readSessionFlags, type SessionOptions } from '../cli/flags/sessions.js';
import { sampleFrom, type MonitorReading } from '../core/monitor/sample.js';
import { RunRecord } from '../core/monitor/run-record.js';
import { hasSessionCounters } from '../core/server-facts.js';
import type { MonitorReport, MonitorRun } from '../report/monitor-report.js';
import type { MonitorHeading } from '../report/monitor-text.js';
import { untilStopped } from '../ui/interrupt.js';
import { sampleSlots } from '../pipeline/sample-slots.js';
import type { Io } from '../ui/io.js';
import { Option } from 'commander';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import { duration, listenAddress, monitorInterval } from '../cli/flags/values.js';
import { parseNamedUrl } from '../cli/flags/database.js';
import type { ListenAddress } from '../core/metrics/listen.js';
import { MONITOR_INTERVAL } from '../core/guide.js';
import { formatDuration } from '../core/units.js';
import { verdict } from '../pipeline/finish.js';
import { sampleCount, sampleSink, type SampleOutlet } from '../pipeline/monitor-output.js';
import { overRun, watchMonitorPooler } from '../pipeline/monitor-pooler.js';
import { withSession } from '../pipeline/session.js';
import { targetOf } from '../pipeline/target.js';
import { severalTargetsOf } from '../pipeline/targets.js';

export interface MonitorOptions extends SharedOptions, SessionOptions {
  readonly intervalMs: number;
  /** undefined: until Ctrl-C. */
  readonly durationMs?: number;
  /** Serve /metrics here instead of printing (`--listen`); the run then ends only by a signal. */
  readonly listen?: ListenAddress;
}

/**
 * `pooltune monitor`: one read-only session samples the server every --interval until --duration or
 * Ctrl-C, then judges the whole run. A baseline reading is taken first, so that every sample, the first
 * included, carries the new sessions since the one before it.
 */
async function runMonitor(options: MonitorOptions, io: Io): Promise<MonitorReport | number> {
  if (options.listen) return runListen(options, options.listen, io);
  // monitor reads no plan: its target is --db, else DATABASE_URL, else PG*.
  const target = targetOf(options, io, undefined);
  const db = target.endpoint;
  const { readMonitorReading } = await import('../probes/monitor.js');
  // A running summary, a bounded history and the last few samples: never every sample.
  const record = new RunRecord();
  let outlet: SampleOutlet | undefined;
  let lost: ConnectionError | undefined;
  let worstSessions: WorstSessions = {};
  const settings = {
    idleInTransactionMs: options.idleInTransactionThresholdMs,
    longQueryMs: options.longQueryThresholdMs,
    longTransactionMs: options.longTransactionThresholdMs,
  };
  let startedWall = new Date();
  let started = performance.now();
  const run = withSession(target, io, options, async ({ facts, connection }) => {
    startedWall = new Date();
    started = performance.now();
    const utilisation = utilisationFrom(facts);
    const usableSlots = utilisation.usableSlots;
    const context: MonitorContext = {
      role: utilisation.role,
      canSeeOthers: utilisation.canSeeOthers,
      hasSessionCounters: hasSessionCounters(facts),
      idleInTransactionThresholdMs: options.idleInTransactionThresholdMs,
      sessionSettings: sessionSettingsFrom(facts),
      throughPooler: facts.route.throughPooler,
      privileges: facts.privileges,
    };
    const readingOptions = {
      canSeeOthers: context.canSeeOthers,
      hasSessionCounters: context.hasSessionCounters,
      serverVersionNum: facts.serverVersionNum,
      showQueries: options.showQueries,
    };
    const heading: MonitorHeading = {
      target: db.display,
      serverVersion: facts.serverVersion,
      pooler: facts.pooler ?? null,
      intervalMs: options.intervalMs,
      durationMs: options.durationMs ?? null,
      usableSlots,
    };
    outlet = await sampleSink(io, options, heading);
    const { sink, finish } = outlet;
    const summary = () => record.summary(options.intervalMs, context.hasSessionCounters);
    // The pooler's console is watched when it answered at the start. It is read after the server, so that
    // pooltune's own transaction (through a transaction-mode pool) holds no server connection it counts.
    const watch = await watchMonitorPooler(target, facts);
    const { stoppedBy } = await untilStopped(async (stop) => {
      let previous: MonitorReading = await readMonitorReading(connection.session, readingOptions);
      await watch?.baseline();
      const baseline = previous.at;
      const transactionsBaseline = previous.transactions;
      const slots = sampleSlots(baseline, options.intervalMs, stop, options.durationMs);
      while (!(await slots.next()).done) {
        let current: MonitorReading;
        try {
          current = await readMonitorReading(connection.session, readingOptions);
        } catch (error) {
          // The server went away (or ended the session): the samples so far are still a run to report.
          if (!(error instanceof ConnectionError)) throw error;
          lost = error;
          break;
        }
        const poolerPart = await watch?.sample();
        const sample = sampleFrom(previous, current, {
          seq: record.samples + 1,
          startedAt: baseline,
          usableSlots,
          transactionsBaseline,
          transactionsSoFar: record.transactionsSoFar,
          ownTransactionEnd: facts.route.throughPooler ? 'rolledBack' : 'committed',
          ...(poolerPart ? { pooler: poolerPart } : {}),
        });
        record.add(sample);
        if (current.roster)
          worstSessions = keepWorstSessions(
            worstSessions,
            current.roster,
            limitsOf(settings),
            current.wallTime.toISOString(),
          );
        previous = current;
        await sink({ last: sample, recent: record.recent, summary });
      }
    }).finally(() => watch?.close());
    await finish();
    const ended: MonitorRun['stoppedBy'] = stoppedBy ?? (lost ? 'connection-lost' : 'duration');
    return {
      context,
      serverVersion: facts.serverVersion,
      pooler: facts.pooler ?? null,
      topology: facts.topology,
      provider: facts.provider,
      // The chain as its console showed it last, judged over the run's totals.
      chain: overRun(watch, poolerObservation(facts.pooler, target.pooler.instances, facts, [])),
      stoppedBy: ended,
      facts,
    };
  });
  const { context, serverVersion, pooler, topology, provider, chain, stoppedBy, facts } = await run.catch(
    async (error: unknown) => {
      await outlet?.discard();
      throw error;
    },
  );

  const stats = record.summary(options.intervalMs, context.hasSessionCounters);
  const evaluated = runChecks(
    [monitorChecks, poolerChecks],
    { monitor: { summary: stats, context, worstSessions }, pooler: chain },
    settings,
  );
  evaluated.skipped.push(...unreadPooler(pooler));
  const signalled = stoppedBy === 'SIGINT' || stoppedBy === 'SIGTERM';
  if (lost) {
    await io.stderr.write(
      `pooltune: error: ${lost.message}; the summary covers the ${sampleCount(stats.samples)} taken before\n`,
    );
  }
  if (signalled) {
    await io.stderr.write(
      `pooltune: stopped by ${stoppedBy} after ${sampleCount(stats.samples)}; connection closed\n`,
    );
  }
  const report: MonitorReport = {
    command: 'monitor',
    target: db.display,
    serverVersion,
    pooler,
    topology,
    provider,
    run: {
      intervalMs: options.intervalMs,
      durationMs: options.durationMs ?? null,
      startedAt: startedWall.toISOString(),
      wallMs: Math.round(performance.now() - started),
      stoppedBy,
    },
    stats,
    history: record.history,
    ...(outlet?.spooledTo === undefined ? {} : { spooledTo: outlet.spooledTo }),
    ...verdict(evaluated, {
      failOn: target.failOn,
      stoppedBy: signalled ? stoppedBy : null,
      server: facts,
    }),
    // The documented exit code for a server that could not be reached, also when it went away mid-run.
    ...(lost && !signalled ? { exitCode: EXIT_CODE.unreachable } : {}),
  };
  return report;
}

/** `monitor --listen`: every --db target (one without), served on /metrics; the exporter is loaded only here. */
async function runListen(options: MonitorOptions, listen: ListenAddress, io: Io): Promise<number> {
  const several = severalTargetsOf(options, io, undefined);
  const targets =
    several ??
    (() => {
      const target = targetOf(options, io, undefined);
      const { host, port } = target.endpoint.connection;
      return [{ name: `${host}:${port}`, target }];
    })();
  const { runMonitorListen } = await import('../pipeline/monitor-listen.js');
  return runMonitorListen(targets, { ...options, listen, intervalMs: options.intervalMs }, io);
}

export const monitor: CommandDeclaration<MonitorOptions> = {
  severalTargets: true,
  description: [
    'Sample a live server every --interval on one read-only session: client',
    'connections by state against the usable slots, new sessions per second and',
    'sessions that ended abnormally (PostgreSQL 14+), transactions per second,',
    'sessions idle in a transaction, the longest running query, and sessions',
    'waiting on locks. On a terminal the view is redrawn in place; otherwise each',
    'sample is one line, or one JSON object per line with --format json. At the',
    'end (--duration, Ctrl-C or a lost connection) a summary judges the whole run:',
    'the peak utilisation decides, and the session findings name the sessions of',
    'the sample where each problem was worst. Behind PgBouncer whose admin console',
    'answers, each sample also reads the pooler: clients waiting for a server',
    'connection, the oldest wait, its server connections and pool use. With',
    '--listen it runs as a Prometheus exporter instead: the latest sample of each',
    '--db target on /metrics, /healthz for the orchestrator, until SIGTERM.',
    // One paragraph: commander wraps it to the terminal's width.
  ].join(' '),
  flags: (command) =>
    addSessionFlags(command)
      .addOption(
        new Option('--interval <duration>', 'time between samples, at least 100ms')
          .argParser(monitorInterval)
          .default(MONITOR_INTERVAL.defaultMs, formatDuration(MONITOR_INTERVAL.defaultMs)),
      )
      .option('--duration <duration>', 'stop after this long (default: run until Ctrl-C)', duration)
      .addOption(
        new Option(
          '--listen <host:port>',
          'serve the samples as Prometheus metrics on http://host:port/metrics (port 0: any free port) until SIGTERM; takes --db more than once',
        ).argParser(listenAddress),
      ),
  read: (command) => {
    const raw = command.opts<{
      interval: number;
      duration?: number;
      listen?: ListenAddress;
      db?: string[];
    }>();
    const intervalMs = raw.interval;
    const dbs = (raw.db ?? []).map(parseNamedUrl);
    if (raw.listen === undefined && dbs.length > 1)
      command.error(
        `error: --db was given ${dbs.length} times; monitor samples several servers only with --listen`,
      );
    if (raw.listen !== undefined && raw.duration !== undefined)
      command.error("error: option '--duration' cannot be used with --listen, which runs until SIGTERM");
    if (raw.duration !== undefined && raw.duration < intervalMs)
      command.error(
        `error: option '--duration' (${formatDuration(raw.duration)}) is shorter than --interval (${formatDuration(intervalMs)}): no sample would be taken`,
      );
    const shared = readShared(command, true);
    if (raw.listen !== undefined && (shared.output !== undefined || shared.format !== 'text'))
      command.error(
        `error: option '${shared.output !== undefined ? '--output' : '--format'}' cannot be used with --listen, which writes no report: its samples are on /metrics`,
      );
    // One named --db keeps its name as the target label.
    const named = raw.listen !== undefined && dbs.length === 1 && dbs[0]?.name !== undefined;
    return {
      ...shared,
      ...(named ? { targets: dbs } : {}),
      ...readSessionFlags(command),
      intervalMs,
      ...(raw.duration === undefined ? {} : { durationMs: raw.duration }),
      ...(raw.listen === undefined ? {} : { listen: raw.listen }),
    };
  },
  help: `
Examples:
  pooltune monitor --db postgres://monitor@db:5432/app
  pooltune monitor --interval 1s --duration 5min --fail-on warning     # watch a load test in CI
  pooltune monitor --interval 1s --format json | jq -c 'select(.type == "sample") | .utilisationPercent'
  pooltune monitor --duration 10min --format markdown -o monitor.md
  pooltune monitor --listen 127.0.0.1:9187 --db a=postgres://monitor@db1/app --db b=postgres://monitor@db2/app

Each --format json line has "type": "sample"
(schemas/monitor-sample.schema.json) or, last, "type": "summary" (the report,
as in schemas/report.schema.json). Ctrl-C (or SIGTERM) ends the run early: the
summary is still printed, exit 130 (143). A lost connection to the server ends
it too: the summary of the samples so far, exit 3.

With --listen nothing is printed but a line on stderr when it starts (the bound
address), when a target goes down or comes back, and when it stops; --format
and --output do not apply (exit 2). A target
that cannot be read is pooltune_up 0 and retried after 1s, up to every 30s;
only SIGTERM or SIGINT ends the run, exit 0. The series are those of
'pooltune alerts --source pooltune' (README: Running monitor as a service).`,
  run: runMonitor,
};
