import { UsageError } from '../core/errors.js';
import {
  describeLoad,
  HOLD_DISTRIBUTIONS,
  statementTimeoutFor,
  type Arrivals,
  type HoldDistribution,
  type Load,
  type Work,
} from '../core/bench/load.js';
import { poolUnderTest, type PoolUnderTest } from '../core/bench/pool.js';
import { modelFor } from '../core/bench/prediction.js';
import {
  benchChecks,
  defineFamily,
  overWindow,
  poolerChecks,
  poolerObservation,
  runChecks,
} from '../core/checks/index.js';
import { freeClientSlots, probePoolSize, utilisationFrom } from '../core/health/utilisation.js';
import type { ServerFacts } from '../core/server-facts.js';
import { budgetFromServer, recommendPool } from '../core/sizing.js';
import { findService, loadPlan, planForService } from '../config/load-plan.js';
import type { PlanConfig } from '../core/plan/config.js';
import type { BenchProgress } from '../probes/bench.js';
import type { BenchReport, BenchRunReport } from '../report/bench-report.js';
import { untilStopped } from '../ui/interrupt.js';
import { isInteractive, type Io } from '../ui/io.js';
import { progressOn, type Progress } from '../ui/progress.js';
import { isLocalTarget } from '../probes/target.js';
import { Option } from 'commander';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import {
  addPoolFlags,
  comparedSelection,
  parseCompare,
  readPool,
  type PoolSelection,
} from '../cli/flags/pool.js';
import { count, decimal, duration, durationOrZero, hasControlCharacter } from '../cli/flags/values.js';
import { BENCH_RUN } from '../core/guide.js';
import { COUNT_RANGES, TRAFFIC_RANGES } from '../core/numbers.js';
import { formatDuration } from '../core/units.js';
import { verdict } from '../pipeline/finish.js';
import { verbose } from '../pipeline/output.js';
import { withSession, type TargetSession } from '../pipeline/session.js';
import { refuseQueryThatLeavesState } from '../pipeline/user-query.js';
import { targetOf } from '../pipeline/target.js';
import { poolerWindowSince, readPoolerAgain } from '../pipeline/pooler.js';

export interface BenchOptions extends SharedOptions {
  readonly config?: string;
  readonly pool: PoolSelection;
  readonly compare?: PoolSelection;
  /** Absent: a closed loop of as many clients as the pool under test has connections. */
  readonly arrivals?: Arrivals;
  readonly work: Work;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Load a server that is not on this machine without asking. */
  readonly yes: boolean;
}

const DEFAULT_WORKLOAD = 'oltp';

async function confirmRemoteLoad(options: BenchOptions, display: string, io: Io): Promise<void> {
  if (options.yes) return;
  if (!isInteractive(io)) {
    throw new UsageError(
      `bench would put load on ${display}, which is not on this machine; pass --yes to go ahead`,
    );
  }
  const { askToConfirm } = await import('../ui/prompts.js');
  if (!(await askToConfirm(`Put load on ${display} (not on this machine) for a while?`))) {
    throw new UsageError('bench was not confirmed; nothing was run');
  }
}

async function planFor(options: BenchOptions, io: Io): Promise<PlanConfig | undefined> {
  const wantsService = options.pool.service !== undefined || options.compare?.service !== undefined;
  if (!wantsService && options.config === undefined) return undefined;
  const plan = await loadPlan(options.config, io.cwd);
  return wantsService ? planForService(plan) : plan;
}

/** The pool a selection stands for, on this server. */
async function resolvePool(
  selection: PoolSelection,
  plan: PlanConfig | undefined,
  facts: ServerFacts,
  io: Io,
): Promise<PoolUnderTest> {
  const { overrides } = selection;
  if (selection.service !== undefined) {
    const service = findService(planForService(plan), selection.service);
    return poolUnderTest(selection.spelled, `service ${service.name} of the plan`, service.pool, overrides);
  }
  if (selection.workload === undefined && overrides.maxConnections !== undefined) {
    return poolUnderTest(selection.spelled, 'the flags, with the guide’s defaults for the rest', undefined, {
      ...overrides,
      maxConnections: overrides.maxConnections,
    });
  }
  const { loadWorkload } = await import('../config/load-workload.js');
  const preset = await loadWorkload(selection.workload ?? DEFAULT_WORKLOAD, io.cwd);
  const { recommendation } = recommendPool({
    preset,
    ...(selection.concurrency === undefined ? {} : { concurrency: selection.concurrency }),
    instances: selection.instances ?? 1,
    budget: budgetFromServer(facts, false),
  });
  return poolUnderTest(
    selection.spelled || `${preset.name} recommendation`,
    `pooltune recommend for the ${preset.name} workload on this server`,
    recommendation.pool,
    overrides,
  );
}

/** A configuration to drive: its pool, run by this many application instances (each with its own). */
interface Configuration {
  readonly pool: PoolUnderTest;
  readonly instances: number;
}

/** `a pool of 4 (label)`, or `2 instances × a pool of 4 (label)`: what would take the connections. */
function described({ pool, instances }: Configuration): string {
  const one = `a pool of ${pool.maxConnections} (${pool.label})`;
  return instances === 1 ? one : `${instances} instances × ${one}`;
}

/**
 * The pools may not take the server's last free slots: what the health probe would shrink to is the most
 * bench will drive, and it refuses rather than test a different pool than the one asked for. A fleet's
 * instances each open their own pool, so all of them together must fit.
 */
function ensureRoomFor(configurations: readonly Configuration[], facts: ServerFacts): void {
  // Through a pooler the pool's connections are the pooler's clients: its pools guard the server's slots,
  // and what the bench pool may not exhaust is the pooler's client limit.
  if (facts.route.throughPooler) return ensureClientRoom(configurations, facts);
  const utilisation = utilisationFrom(facts);
  for (const configuration of configurations) {
    const { pool, instances } = configuration;
    const wanted = pool.maxConnections * instances;
    const room = probePoolSize(wanted, utilisation);
    if (room.size >= wanted) continue;
    const most = Math.floor(room.size / instances);
    throw new UsageError(
      `${described(configuration)} would take the server's last free slots: ${Math.max(0, room.free)} are free for ordinary roles and bench leaves ${room.margin} of them to others`,
      [
        most > 0
          ? instances === 1
            ? `bench a pool of at most ${most} here (--pool-max ${most}), or free connections first`
            : `bench pools of at most ${most} each here (--pool-max ${most}), fewer instances, or free connections first`
          : 'free connections on the server first, or bench against a server with room to spare',
      ],
    );
  }
}

/** Through a pooler whose console was read: the bench pools within its free client slots, one spare. */
function ensureClientRoom(configurations: readonly Configuration[], facts: ServerFacts): void {
  const pooler = facts.pooler?.facts;
  if (!pooler) return;
  const free = freeClientSlots(pooler);
  for (const configuration of configurations) {
    const { pool, instances } = configuration;
    if (pool.maxConnections * instances <= free) continue;
    const most = Math.max(1, Math.floor(free / instances));
    throw new UsageError(
      `${described(configuration)} would take the pooler's last client slots: max_client_conn ${pooler.config.maxClientConn}, ${pooler.lists.usedClients} in use`,
      [
        `bench ${instances === 1 ? 'a pool' : 'pools'} of at most ${most}${instances === 1 ? '' : ' each'} here (--pool-max), or raise the pooler's max_client_conn`,
      ],
    );
  }
}

function progressLine(label: string, p: BenchProgress): string {
  const width = 20;
  const filled = Math.round((p.elapsedMs / Math.max(1, p.durationMs)) * width);
  const bar = `${'='.repeat(Math.min(width, filled))}${' '.repeat(Math.max(0, width - filled))}`;
  const phase = p.phase === 'warm-up' ? 'warm-up  ' : 'measuring';
  return `${label} ${phase} [${bar}] ${(p.elapsedMs / 1000).toFixed(1)}s  ${Math.round(p.throughputPerSecond)} req/s  p99 ${p.recentP99Ms.toFixed(1)}ms`;
}

/** Of the pooler's checks, the one a load run informs: how long requests queued in PgBouncer. */
const poolerQueueCheck = defineFamily(
  'pooler',
  poolerChecks.checks.filter((check) => check.id === 'pooler-clients-waiting'),
);

/** One instance, or a fleet of them in worker threads: the measurement, the model and the peak. */
async function driveConfiguration(
  connection: TargetSession['connection'],
  { pool, instances }: Configuration,
  load: Load,
  stop: AbortSignal,
  onProgress: (p: BenchProgress) => void,
): Promise<Omit<BenchRunReport, 'pool' | 'findings'>> {
  if (instances === 1) {
    const { driveLoad, loadAccessOf } = await import('../probes/bench.js');
    const run = await driveLoad(loadAccessOf(connection), pool, load, { stop, onProgress });
    return {
      measurement: run.measurement,
      model: modelFor(run.measurement, pool, load),
      stoppedEarly: run.stoppedEarly,
      peakConnections: run.peakPoolConnections + 1,
    };
  }
  const [{ driveFleet }, { measureFleet, splitLoad }] = await Promise.all([
    import('../probes/fleet.js'),
    import('../core/bench/fleet.js'),
  ]);
  const loads = splitLoad(load, instances);
  const runs = await driveFleet(connection, pool, loads, { stop, onProgress });
  const measured = measureFleet(runs.map((r) => r.raw));
  return {
    measurement: measured.fleet,
    model: modelFor(measured.fleet, pool, load, instances),
    stoppedEarly: runs.some((r) => r.stoppedEarly),
    peakConnections: runs.reduce((n, r) => n + r.peakPoolConnections, 0) + 1,
    instances,
    fleet: runs.map((run, k) => {
      const measurement = measured.instances[k] ?? measured.fleet;
      const share = loads[k] ?? load;
      return {
        instance: k + 1,
        load: share,
        measurement,
        model: modelFor(measurement, pool, share),
        stoppedEarly: run.stoppedEarly,
        peakConnections: run.peakPoolConnections,
      };
    }),
  };
}

async function runOne(
  { connection, facts, target }: TargetSession,
  configuration: Configuration,
  load: Load,
  stop: AbortSignal,
  progress: Progress,
): Promise<BenchRunReport> {
  const { pool, instances } = configuration;
  const label = instances === 1 ? pool.label : `${pool.label} ×${instances}`;
  // Progress writes are asynchronous; chained, so that the last one lands before the line is cleared.
  let last = Promise.resolve();
  // Through a pooler, its totals before and after the run say how long requests queued there.
  const poolerBefore = await readPoolerAgain(target, facts.pooler);
  const startedAt = performance.now();
  const run = await driveConfiguration(connection, configuration, load, stop, (p: BenchProgress) => {
    last = last.then(() => progress.step(progressLine(label, p)));
  });
  await last;
  const pooler = poolerBefore
    ? await poolerWindowSince(target, facts.pooler, startedAt, poolerBefore)
    : undefined;
  await progress.done();
  const chain = poolerObservation(facts.pooler, target.pooler.instances, facts, []);
  // A fleet is judged as one: its pools together against the whole load.
  const judged = instances === 1 ? pool : { ...pool, maxConnections: pool.maxConnections * instances };
  return {
    pool,
    ...run,
    findings: runChecks([benchChecks, poolerQueueCheck], {
      bench: { measurement: run.measurement, pool: judged, load },
      // Only when the console answered both times: the queue check has nothing else to judge.
      pooler: pooler ? overWindow(chain, pooler) : undefined,
    }).findings,
    ...(pooler ? { poolerWindow: pooler.window } : {}),
  };
}

/** `pooltune bench`: a real pg.Pool under a chosen load, measured, judged by the guide's thresholds. */
async function runBench(options: BenchOptions, io: Io): Promise<BenchReport> {
  const plan = await planFor(options, io);
  const target = targetOf(options, io, plan, { statementTimeoutMs: statementTimeoutFor(options.work) });
  const db = target.endpoint;
  if (!isLocalTarget(db.connection)) await confirmRemoteLoad(options, db.display, io);

  const { facts, load, runs, stoppedBy } = await withSession(target, io, options, async (session) => {
    const { facts } = session;
    const configurationOf = async (selection: PoolSelection): Promise<Configuration> => ({
      pool: await resolvePool(selection, plan, facts, io),
      instances: selection.instances ?? 1,
    });
    const first = await configurationOf(options.pool);
    const configurations = [first, ...(options.compare ? [await configurationOf(options.compare)] : [])];
    ensureRoomFor(configurations, facts);
    // Both configurations get the same load: by default as many callers as the first fleet's pools have
    // connections.
    const arrivals = options.arrivals ?? {
      kind: 'closed',
      clients: first.pool.maxConnections * first.instances,
    };
    for (const { instances } of configurations)
      if (arrivals.kind === 'closed' && arrivals.clients < instances)
        throw new UsageError(
          `${arrivals.clients} client${arrivals.clients === 1 ? '' : 's'} cannot be shared by ${instances} instances: each needs at least one`,
          [`give --clients ${instances} or more, or fewer --instances`],
        );
    if (options.work.kind === 'query') await refuseQueryThatLeavesState(session, options.work.sql);
    const load: Load = {
      arrivals,
      work: options.work,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    };
    await verbose(io, options, `load: ${describeLoad(load)}`);
    const progress = progressOn(io, options.format === 'text' && !options.quiet);
    const { value: runs, stoppedBy } = await untilStopped(async (stop) => {
      const done: BenchRunReport[] = [];
      for (const configuration of configurations) {
        if (stop.aborted) break;
        const { pool, instances } = configuration;
        const fleet = instances === 1 ? '' : `, ${instances} instances each with its own pool`;
        await verbose(io, options, `driving ${pool.label}: ${pool.origin}${fleet}`);
        done.push(await runOne(session, configuration, load, stop, progress));
      }
      return done;
    });
    return { facts, load, runs, stoppedBy };
  });
  if (stoppedBy)
    await io.stderr.write(`pooltune: stopped by ${stoppedBy}; the report covers what was measured\n`);

  const report: BenchReport = {
    command: 'bench',
    target: db.display,
    serverVersion: facts.serverVersion,
    pooler: facts.pooler ?? null,
    topology: facts.topology,
    provider: facts.provider,
    load,
    runs,
    // The first configuration decides; --compare's is shown beside it.
    ...verdict({ findings: runs[0]?.findings ?? [] }, { failOn: target.failOn, stoppedBy, server: facts }),
    stoppedBy: stoppedBy ?? null,
  };
  return report;
}

export const bench: CommandDeclaration<BenchOptions> = {
  description: [
    'Drive a real node-postgres pool, set up as a recommendation, a plan service or',
    'your flags say, with a chosen load, and measure per request the wait for a',
    'connection, the query time and the total; judge them by the guide (a mean wait',
    'under 1ms is excellent, above 10ms poor; timeouts under 0.1 %). Requests are',
    'read-only: SELECT 1, a pg_sleep that holds the connection (--hold-ms), or your',
    '--query. Open-loop load (--rate) arrives at random, as real traffic does, and',
    'counts time from when each request was due. --compare runs a second pool under',
    'the same load, side by side; the exit code follows the first. --instances N runs',
    'N application instances, each a worker thread with its own pool, sharing the',
    'load as a fleet does; the report shows each instance and the fleet, with Erlang',
    "C per instance. bench refuses pools that would take the server's last free",
    'slots, and asks before loading a server on another machine.',
    // One paragraph: commander wraps it to the terminal's width.
  ].join(' '),
  flags: (command) =>
    addPoolFlags(command)
      .option(
        '--clients <n>',
        'closed loop: this many callers, each sending again when done (default: the pool size, times --instances)',
        count(COUNT_RANGES.clients),
      )
      .option(
        '--rate <per-second>',
        'open loop: requests per second, arriving at random (Poisson)',
        decimal(TRAFFIC_RANGES.benchRatePerSecond, true),
      )
      .option(
        '--hold-ms <ms>',
        'each request holds its connection this long (read-only pg_sleep)',
        decimal(TRAFFIC_RANGES.benchHoldMs, true),
      )
      .addOption(
        new Option(
          '--hold-dist <shape>',
          'hold times: fixed, or exponential with --hold-ms as the mean',
        ).choices(HOLD_DISTRIBUTIONS),
      )
      .option('--query <sql>', 'a read-only query to run instead of SELECT 1')
      .addOption(
        new Option('--duration <duration>', 'how long to measure')
          .argParser(duration)
          .default(BENCH_RUN.durationMs, formatDuration(BENCH_RUN.durationMs)),
      )
      .addOption(
        new Option('--warmup <duration>', 'run the load this long first without counting it (0: none)')
          .argParser(durationOrZero)
          .default(BENCH_RUN.warmupMs, formatDuration(BENCH_RUN.warmupMs)),
      )
      .option(
        '--compare <pool flags>',
        'run a second pool under the same load: e.g. "--pool-max 8"; unset flags come from the first',
        parseCompare,
      )
      .option('--config <file>', 'the plan for --service (default: the nearest pooltune.config.json)')
      .option('-y, --yes', 'load a server that is not on this machine without asking'),
  read: (command) => {
    const raw = command.opts<{
      clients?: number;
      rate?: number;
      holdMs?: number;
      holdDist?: HoldDistribution;
      query?: string;
      duration: number;
      warmup: number;
      compare?: PoolSelection;
      config?: string;
      yes?: boolean;
    }>();
    if (raw.clients !== undefined && raw.rate !== undefined)
      command.error(
        "error: options '--clients' (closed loop) and '--rate' (open loop) cannot be used together",
      );
    if (raw.holdMs !== undefined && raw.query !== undefined)
      command.error(
        "error: options '--hold-ms' and '--query' cannot be used together: each request runs one of them",
      );
    if (raw.holdDist !== undefined && raw.holdMs === undefined)
      command.error("error: option '--hold-dist' needs --hold-ms");
    if (raw.query !== undefined && (raw.query.trim() === '' || hasControlCharacter(raw.query)))
      command.error(
        "error: option '--query <sql>' is empty or holds a control character; expected a read-only SQL query",
      );
    const first = readPool(command);
    const work: Work =
      raw.holdMs !== undefined
        ? { kind: 'hold', holdMs: raw.holdMs, distribution: raw.holdDist ?? 'fixed' }
        : raw.query !== undefined
          ? { kind: 'query', sql: raw.query }
          : { kind: 'select-1' };
    return {
      ...readShared(command),
      ...(raw.config === undefined ? {} : { config: raw.config }),
      pool: first,
      ...(raw.compare ? { compare: comparedSelection(first, raw.compare) } : {}),
      ...(raw.clients === undefined ? {} : { arrivals: { kind: 'closed', clients: raw.clients } }),
      ...(raw.rate === undefined ? {} : { arrivals: { kind: 'open', ratePerSecond: raw.rate } }),
      work,
      durationMs: raw.duration,
      warmupMs: raw.warmup,
      yes: raw.yes === true,
    };
  },
  help: `
Examples:
  pooltune bench --pool-max 4 --rate 400 --hold-ms 5 --hold-dist exp --compare "--pool-max 8"
  pooltune bench --workload oltp --concurrency 30 --clients 40 --duration 30s
  pooltune bench --service api --rate 200 --hold-ms 20 --format json
  pooltune bench --pool-max 4 --instances 2 --rate 800 --hold-ms 2 --hold-dist exp
  pooltune bench --pool-max 10 --clients 10 --query "select * from orders where id = 42"`,
  run: runBench,
};
