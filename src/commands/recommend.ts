import { instancesDuringDeploy, type Surge } from '../core/plan/surge.js';
import type { PoolerSighting } from '../core/pooler/sighting.js';
import type { TopologyFacts } from '../core/topology/facts.js';
import { PooltuneError, UsageError } from '../core/errors.js';
import { commandLine, urlWithoutPassword } from '../core/command-line.js';
import { cpuBoundFinding, type DatabaseHardware } from '../core/cpu-bound.js';
import {
  budgetFromServer,
  heldNowFinding,
  recommendPool,
  type ServerBudget,
  type SizingResult,
  type ValueSource,
} from '../core/sizing.js';
import type { MeasuredTraffic } from '../core/traffic-measure.js';
import {
  DEFAULT_TARGET_PERCENTILE,
  DEFAULT_TARGET_WAIT_MS,
  recommendPoolFromTraffic,
  TrafficInputError,
  type TrafficSizing,
} from '../core/traffic-sizing.js';
import { formatDuration } from '../core/units.js';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../ui/interrupt.js';
import { loadWorkload } from '../config/load-workload.js';
import { EMITTER_BY_NAME, type EmitterName } from '../report/emit/index.js';
import type { Input, RecommendReport, TrafficReport } from '../report/recommend-report.js';
import { isInteractive, type Io } from '../ui/io.js';
import { Option } from 'commander';
import { readShared, type CommandDeclaration, type SharedOptions } from '../cli/declaration.js';
import { addTrafficFlags, readTraffic, TRAFFIC_HELP, type TrafficOptions } from '../cli/flags/traffic.js';
import { addBehindPoolerFlag, readBehindPooler } from '../cli/flags/pooler.js';
import type { PooledChain } from '../core/pooler/chain.js';
import type { PoolMode } from '../core/pooler/facts.js';
import { sizeServerPool, type ServerPoolSizing } from '../core/pooler/server-pool.js';
import { settingMs, type ServerFacts } from '../core/server-facts.js';
import type { EmitInput } from '../report/emit/index.js';
import { count, surgeValue } from '../cli/flags/values.js';
import {
  MEASURE_WINDOW,
  POSTGRES_DEFAULT_MAX_CONNECTIONS,
  POSTGRES_DEFAULT_RESERVED_CONNECTIONS,
} from '../core/guide.js';
import { DEFAULT_WORKLOAD } from '../core/workload.js';
import { COUNT_RANGES } from '../core/numbers.js';
import { EMITTERS } from '../report/emit/types.js';
import type { PlanConfig } from '../core/plan/config.js';
import { verdict } from '../pipeline/finish.js';
import { unaskedPlan } from '../pipeline/plan.js';
import { verbose } from '../pipeline/output.js';
import {
  failOnWithPlan,
  findService,
  loadPlan,
  planForService,
  resolvePlanPath,
  serviceWorkload,
} from '../config/load-plan.js';

export interface RecommendOptions extends SharedOptions {
  readonly config?: string;
  /** A service of the plan to size; its inputs stand in for flags that were not given. */
  readonly service?: string;
  /** Filled from the plan: the plan itself, the inputs it supplied, and the other services' pools. */
  readonly plan?: PlanConfig;
  readonly fromPlan?: ReadonlySet<string>;
  readonly planOthers?: { readonly connections: number; readonly description: string };
  /** Count the client connections other applications hold now as taken (needs --db). */
  readonly accountForOthers: boolean;
  readonly workload?: string;
  readonly concurrency?: number;
  readonly instances: number;
  readonly serverMaxConnections: number;
  readonly reservedConnections: number;
  readonly otherConnections: number;
  readonly emit: EmitterName;
  /** Whether --emit was on the command line (else the wizard asks for it). */
  readonly emitGiven: boolean;
  readonly interactive: boolean;
  /** Which of the inputs the user gave on the command line (the rest are defaults). */
  readonly given: ReadonlySet<GivenInput>;
  /** Which of the inputs the wizard asked for. */
  readonly prompted?: ReadonlySet<GivenInput>;
  /** Size from traffic: a given rate and hold time, or a measurement on the target server. */
  readonly traffic?: TrafficOptions;
  /** The database server's cores and spindles, for the CPU bound. */
  readonly hardware?: DatabaseHardware;
  /**
   * The pool mode of the pooler the application connects through (--behind-pooler, or set by a plan or a
   * detected pooler); absent: straight to the server.
   */
  readonly behindPooler?: PoolMode;
  /** The pooler's max_client_conn over all its processes, when known (its admin console, a plan). */
  readonly poolerMaxClientConn?: number;
  /** The deploy overlap (--surge, or the plan's surge): the pools must fit with it. */
  readonly surge?: Surge;
}

/** The inputs whose source (flag, plan or default) the report shows. */
const INPUTS = [
  'db',
  'workload',
  'concurrency',
  'instances',
  'serverMaxConnections',
  'reservedConnections',
  'otherConnections',
  'rps',
  'measure',
  'behindPooler',
  'surge',
] as const;
type GivenInput = (typeof INPUTS)[number];
/** What --db reads from the server itself. */
const BUDGET_FLAGS = ['serverMaxConnections', 'reservedConnections', 'otherConnections'] as const;

const DEFAULT_EMITTER: EmitterName = 'eventcore';

async function withWizardAnswers(options: RecommendOptions, io: Io): Promise<RecommendOptions> {
  // No flags on a terminal asks; no flags elsewhere (a script, a pipe) sizes the default workload.
  const wantsWizard =
    options.interactive || (options.given.size === 0 && options.fromPlan === undefined && isInteractive(io));
  if (!wantsWizard) return options;
  if (!isInteractive(io)) {
    throw new UsageError(
      '--interactive needs a terminal; pass --workload (and --concurrency, --instances) instead',
    );
  }
  const { askRecommendInputs } = await import('../ui/prompts.js');
  const askServerLimit = options.db === undefined;
  const answers = await askRecommendInputs(
    {
      ...(options.workload === undefined ? {} : { workload: options.workload }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      instances: options.instances,
      serverMaxConnections: options.serverMaxConnections,
      emit: options.emit,
    },
    {
      askServerLimit,
      askEmit: !options.emitGiven,
      checkPreset: async (path) => {
        try {
          await loadWorkload(path, io.cwd);
          return true;
        } catch (error) {
          if (error instanceof PooltuneError) return error.message;
          throw error;
        }
      },
    },
  );
  const prompted = new Set<GivenInput>(['workload', 'instances']);
  if (askServerLimit) prompted.add('serverMaxConnections');
  if (answers.concurrency !== undefined) prompted.add('concurrency');
  const given = new Set([...options.given].filter((key) => !prompted.has(key)));
  // An empty answer to the concurrency question means none, whatever --concurrency said.
  const rest = (({ concurrency: _asked, ...others }: RecommendOptions) => others)(options);
  const answered: RecommendOptions = { ...rest, ...answers, given, prompted, emitGiven: true };
  await io.stderr.write(`To run this again without the wizard: ${equivalentCommand(answered)}\n`);
  return answered;
}

/** The recommend command line that gives the same result without the wizard, never with a password. */
function equivalentCommand(options: RecommendOptions): string {
  const args = ['pooltune', 'recommend'];
  const add = (flag: string, value?: string | number) =>
    args.push(...(value === undefined ? [flag] : [flag, String(value)]));
  if (options.db !== undefined) add('--db', urlWithoutPassword(options.db) ?? '$DATABASE_URL');
  if (options.config !== undefined) add('--config', options.config);
  if (options.service !== undefined) add('--service', options.service);
  add('--workload', options.workload ?? DEFAULT_WORKLOAD);
  if (options.concurrency !== undefined) add('--concurrency', options.concurrency);
  add('--instances', options.instances);
  if (options.db === undefined) {
    add('--server-max-connections', options.serverMaxConnections);
    if (options.given.has('reservedConnections')) add('--reserved-connections', options.reservedConnections);
    if (options.given.has('otherConnections')) add('--other-connections', options.otherConnections);
  }
  if (options.accountForOthers) add('--account-for-others');
  const traffic = options.traffic;
  if (traffic?.ratePerSecond !== undefined) add('--rps', traffic.ratePerSecond);
  if (traffic?.holdMs !== undefined) add('--hold-ms', traffic.holdMs);
  if (traffic?.measureMs !== undefined) add('--measure', `${traffic.measureMs}ms`);
  if (traffic?.callers !== undefined) add('--callers', traffic.callers);
  if (traffic?.targetWaitMs !== undefined) add('--target-wait-ms', traffic.targetWaitMs);
  if (traffic?.targetPercentile !== undefined) add('--target-percentile', traffic.targetPercentile);
  if (options.hardware !== undefined) {
    add('--db-cores', options.hardware.cores);
    if (options.hardware.spindles !== undefined) add('--db-spindles', options.hardware.spindles);
  }
  if (options.behindPooler !== undefined) add('--behind-pooler', options.behindPooler);
  if (options.surge !== undefined)
    add('--surge', options.surge.kind === 'percent' ? `${options.surge.percent}%` : options.surge.count);
  add('--emit', options.emit);
  if (options.raw) add('--raw');
  if (options.format !== 'text') add('--format', options.format);
  if (options.output !== undefined) add('--output', options.output);
  if (options.failOnGiven) add('--fail-on', options.failOn);
  if (options.quiet) add('--quiet');
  return commandLine(args);
}

/** Fills what the flags left open from the pool plan (pooltune.config.json): flags > plan > defaults. */
async function withPlan(options: RecommendOptions, io: Io): Promise<RecommendOptions> {
  const asked = options.config !== undefined || options.service !== undefined;
  const loaded = asked
    ? await loadPlan(options.config, io.cwd)
    : await unaskedPlan(io, '--config or --service');
  const plan = options.service === undefined ? loaded : planForService(loaded);
  if (!plan) return options;
  const service = options.service === undefined ? undefined : findService(plan, options.service);
  const fromPlan = new Set<string>();
  const workload = options.workload ?? (service ? serviceWorkload(plan, service) : plan.workload);
  if (options.workload === undefined && workload !== undefined) fromPlan.add('workload');
  const concurrency = options.concurrency ?? service?.concurrency;
  if (options.concurrency === undefined && concurrency !== undefined) fromPlan.add('concurrency');
  const instances = options.given.has('instances') || !service ? options.instances : service.instances;
  if (!options.given.has('instances') && service) fromPlan.add('instances');
  // The plan's pooler says how the services reach the server; --behind-pooler still wins.
  const behindPooler = options.behindPooler ?? plan.pooler?.mode;
  if (options.behindPooler === undefined && behindPooler !== undefined) fromPlan.add('behindPooler');
  const surge = options.surge ?? plan.surge;
  if (options.surge === undefined && surge !== undefined) fromPlan.add('surge');
  const others = plan.services.filter((s) => s !== service);
  const connections = service ? others.reduce((n, s) => n + s.instances * s.pool.maxConnections, 0) : 0;
  return {
    ...options,
    ...(workload === undefined ? {} : { workload: resolvePlanPath(plan, workload, io.cwd) }),
    ...(concurrency === undefined ? {} : { concurrency }),
    instances,
    ...(behindPooler === undefined ? {} : { behindPooler }),
    ...(surge === undefined ? {} : { surge }),
    failOn: failOnWithPlan(options, plan),
    plan,
    fromPlan,
    ...(service && others.length > 0
      ? {
          planOthers: {
            connections,
            description: `the plan's other services: ${others.map((s) => `${s.name} ${s.instances} × ${s.pool.maxConnections}`).join(', ')}`,
          },
        }
      : {}),
  };
}

/** `pooltune recommend`: inputs → sizing → the report (or the exit code of a --measure stopped by a signal). */
async function runRecommend(initial: RecommendOptions, io: Io): Promise<RecommendReport | number> {
  const asked = await withWizardAnswers(await withPlan(initial, io), io);
  // A PgBouncer config is for a chain: the application behind it, in transaction mode unless told otherwise.
  const planned: RecommendOptions =
    asked.emit === 'pgbouncer' && asked.behindPooler === undefined
      ? { ...asked, behindPooler: 'transaction' }
      : asked;
  // Traffic sizes the pool by itself: a plan's concurrency does not apply.
  const options: RecommendOptions = planned.traffic
    ? (({ concurrency: _dropped, ...rest }) => rest)(planned)
    : planned;
  // One rule for every way of sizing: a workload named nowhere (flag, plan, wizard) is the default one.
  const preset = await loadWorkload(options.workload ?? DEFAULT_WORKLOAD, io.cwd);
  await verbose(io, options, `workload ${preset.name} from ${preset.origin}`);

  const source = (key: Parameters<RecommendOptions['given']['has']>[0]): ValueSource =>
    options.prompted?.has(key)
      ? 'prompt'
      : options.given.has(key)
        ? 'flag'
        : options.fromPlan?.has(key)
          ? 'plan'
          : 'default';
  const input = <T>(value: T, key: Parameters<RecommendOptions['given']['has']>[0]): Input<T> => ({
    value,
    source: source(key),
  });
  let target: string | null = null;
  let serverVersion: string | null = null;
  let sighting: PoolerSighting | null = null;
  let topology: TopologyFacts | null = null;
  let serverFacts: ServerFacts | undefined;
  let endpoint: { host: string; port: number; database: string } | null = null;
  let measurement: { traffic: MeasuredTraffic; stoppedBy: StopSignal | null } | undefined;
  let budget: ServerBudget = {
    maxConnections: options.serverMaxConnections,
    reservedConnections: options.reservedConnections,
    otherConnections: options.otherConnections,
    source: source('serverMaxConnections'),
  };
  // --measure needs a server, found as every command finds one: --db, else DATABASE_URL, else PG*. A service
  // of a plan that names its target (target.urlEnv) is sized against that server's live budget, as
  // preflight checks it, unless budget flags on the command line ask what a budget of their own would give.
  const budgetGiven = BUDGET_FLAGS.some((key) => options.given.has(key));
  const live =
    options.db !== undefined ||
    options.traffic?.measureMs !== undefined ||
    (options.service !== undefined && options.plan?.urlEnv !== undefined && !budgetGiven);
  if (options.accountForOthers && !live) {
    throw new UsageError(
      "option '--account-for-others' needs a server to count the connections on: --db, or --service with a plan whose target.urlEnv names one",
    );
  }
  if (live) {
    // Loaded only here: the offline path never needs the connection layer.
    const [{ targetOf }, { withSession }] = await Promise.all([
      import('../pipeline/target.js'),
      import('../pipeline/session.js'),
    ]);
    const session = targetOf(options, io, options.plan);
    const db = session.endpoint;
    const measureMs = options.traffic?.measureMs;
    const facts = await withSession(session, io, options, async (opened) => {
      if (measureMs !== undefined) {
        const { measureTraffic } = await import('../pipeline/measure-traffic.js');
        measurement = await measureTraffic(opened, io, {
          durationMs: measureMs,
          database: db.connection.database,
          holdGiven: options.traffic?.holdMs !== undefined,
          progress: !options.quiet,
        });
      }
      return opened.facts;
    });
    target = db.display;
    serverVersion = facts.serverVersion;
    sighting = facts.pooler ?? null;
    topology = facts.topology;
    serverFacts = facts;
    endpoint = serverBehind(db.connection, sighting);
    budget = budgetFromServer(facts, options.accountForOthers);
  }
  if (options.planOthers) {
    const held = budget.otherConnections;
    budget = {
      ...budget,
      otherConnections: held + options.planOthers.connections,
      otherDescription:
        held > 0
          ? `${budget.otherDescription ?? 'held now'}, plus ${options.planOthers.description}`
          : options.planOthers.description,
    };
  }
  if (measurement?.stoppedBy && measurement.traffic.windowMs < MEASURE_WINDOW.minMs) {
    await io.stderr.write(
      `pooltune: measurement stopped after ${Math.round(measurement.traffic.windowMs / 100) / 10}s, too short to size from (at least ${formatDuration(MEASURE_WINDOW.minMs)})\n`,
    );
    return SIGNAL_EXIT_CODES[measurement.stoppedBy];
  }
  // A pooler pooltune went through sizes the pool as --behind-pooler would, unless the flag says otherwise.
  const detected =
    options.behindPooler === undefined ? chainSeen(sighting, options.poolerInstances) : undefined;
  const pooler = pooledChain(options) ?? detected;
  const behindPooler: Input<PoolMode> | undefined =
    options.behindPooler !== undefined
      ? { value: options.behindPooler, source: source('behindPooler') }
      : detected
        ? { value: detected.mode, source: 'pooler' }
        : undefined;
  // With a deploy surge the pools are sized for the instances that run while a deploy overlaps old and new.
  const deployInstances = options.surge
    ? instancesDuringDeploy(options.instances, options.surge)
    : options.instances;
  const sizing: RecommendOptions = { ...options, instances: deployInstances };
  const sized = options.traffic
    ? sizeFromTraffic(sizing, options.traffic, preset, budget, measurement?.traffic ?? null, pooler)
    : {
        ...recommendPool({
          preset,
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          instances: deployInstances,
          budget,
          ...(pooler ? { pooler } : {}),
        }),
        traffic: null,
      };
  const { recommendation } = sized;
  // Behind a pooler the fleet's connections never reach the server's slots; the pooler's do.
  const heldNow = pooler ? undefined : heldNowFinding(budget, recommendation.fleet.totalConnections);
  const findings = [
    ...sized.findings,
    ...(heldNow ? [heldNow] : []),
    // Behind a pooler the application's connections are its clients: the cores bound the pooler's server
    // pool (--emit pgbouncer sizes it with them), not the fleet's pools.
    ...(options.hardware && !pooler
      ? [
          cpuBoundFinding(
            options.hardware,
            recommendation.fleet.totalConnections,
            sized.traffic?.sizing.fleetBusyConnections,
          ),
        ]
      : []),
  ];
  const report: RecommendReport = {
    command: 'recommend',
    target,
    serverVersion,
    pooler: sighting,
    topology,
    provider: serverFacts?.provider ?? null,
    inputs: {
      workload: input(preset.name, 'workload'),
      workloadOrigin: preset.origin,
      concurrency: options.concurrency === undefined ? null : input(options.concurrency, 'concurrency'),
      instances: input(options.instances, 'instances'),
      serverMaxConnections: { value: budget.maxConnections, source: budget.source },
      reservedConnections: !live
        ? input(options.reservedConnections, 'reservedConnections')
        : { value: budget.reservedConnections, source: 'server' },
      otherConnections: {
        value: budget.otherConnections,
        source: options.planOthers
          ? 'plan'
          : !live
            ? source('otherConnections')
            : options.accountForOthers
              ? 'server'
              : 'default',
      },
      ...(behindPooler === undefined ? {} : { behindPooler }),
      ...(options.surge
        ? {
            deploySurge: {
              value: { surge: options.surge, instancesDuringDeploy: deployInstances },
              source: source('surge'),
            },
          }
        : {}),
    },
    recommendation,
    traffic: sized.traffic,
    hardware: options.hardware ?? null,
    emitted: EMITTER_BY_NAME[options.emit ?? DEFAULT_EMITTER]({
      workload: preset.name,
      pool: recommendation.pool,
      ...(behindPooler === undefined ? {} : { behindPooler: behindPooler.value }),
      // The role pooltune ran as is the application's, unless a superuser ran it: then the SQL names none.
      ...(serverFacts && !serverFacts.isSuperuser ? { role: serverFacts.currentRole } : {}),
      ...(options.emit === 'pgbouncer'
        ? {
            pgbouncer: {
              target: endpoint,
              serverPool: serverPoolFor(options, {
                budget,
                pool: recommendation.pool,
                preset,
                traffic: sized.traffic,
                facts: serverFacts,
              }),
            },
          }
        : {}),
    } satisfies EmitInput),
    ...verdict(
      { findings },
      {
        failOn: options.failOn,
        stoppedBy: measurement?.stoppedBy ?? null,
        ...(serverFacts ? { server: serverFacts } : {}),
      },
    ),
  };

  return report;
}

/** Sizes from the given or measured traffic; a rate or hold time no model can use is a usage error. */
function sizeFromTraffic(
  options: RecommendOptions,
  flags: TrafficOptions,
  preset: Awaited<ReturnType<typeof loadWorkload>>,
  budget: ServerBudget,
  measured: MeasuredTraffic | null,
  pooler: PooledChain | undefined,
): SizingResult & { traffic: TrafficReport } {
  const ratePerSecond = flags.ratePerSecond ?? measured?.ratePerSecond ?? 0;
  const holdMs = flags.holdMs ?? measured?.holdMs ?? null;
  if (measured && ratePerSecond === 0) {
    throw new UsageError(
      `no transactions were committed on ${measured.database} in ${Math.round(measured.windowMs / 1000)}s: there is no traffic to size from`,
      ['measure while the application is under its usual load, or give --rps and --hold-ms'],
    );
  }
  if (holdMs === null) {
    throw new UsageError('the hold time could not be measured on this server; give --hold-ms');
  }
  try {
    const measuredBusy = measured?.busyConnections ?? null;
    const result = recommendPoolFromTraffic(
      { preset, instances: options.instances, budget, ...(pooler ? { pooler } : {}) },
      {
        ratePerSecond,
        holdMs,
        targetWaitMs: flags.targetWaitMs ?? DEFAULT_TARGET_WAIT_MS,
        targetPercentile: flags.targetPercentile ?? DEFAULT_TARGET_PERCENTILE,
        ...(flags.callers === undefined ? {} : { callers: flags.callers }),
      },
      options.hardware && !pooler
        ? { hardware: options.hardware, ...(measuredBusy === null ? {} : { measuredBusy }) }
        : undefined,
    );
    const sizing: TrafficSizing = result.traffic;
    return {
      ...result,
      traffic: {
        sizing,
        rateSource: flags.ratePerSecond === undefined ? 'measured' : 'flag',
        holdSource: flags.holdMs === undefined ? 'measured' : 'flag',
        targetSource:
          flags.targetWaitMs === undefined && flags.targetPercentile === undefined ? 'default' : 'flag',
        measured,
      },
    };
  } catch (error) {
    if (error instanceof TrafficInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** The pooler the application connects through, as the sizing takes it; undefined: straight to the server. */
/**
 * The PostgreSQL server --db leads to, for --emit pgbouncer's [databases] entry: through a pooler whose
 * console was read, where its entry for that database points (never the pooler itself); straight to the
 * server, --db's own host and port; through a pooler not read, unknown (the fragment then says so).
 */
function serverBehind(
  connection: { host: string; port: number; database: string },
  sighting: PoolerSighting | null,
): { host: string; port: number; database: string } | null {
  if (!sighting?.sessionThrough) return connection;
  const entry = sighting.facts?.databases.find((d) => d.name === connection.database);
  if (!entry?.host || entry.port === null) return null;
  return { host: entry.host, port: entry.port, database: entry.database };
}

/** The chain a pooler seen on the way implies: its pool's mode, and its client limit over its processes. */
function chainSeen(sighting: PoolerSighting | null, instances = 1): PooledChain | undefined {
  if (!sighting?.sessionThrough) return undefined;
  const maxClientConn = sighting.facts ? sighting.facts.config.maxClientConn * instances : undefined;
  return {
    mode: sighting.poolMode ?? 'transaction',
    ...(maxClientConn === undefined ? {} : { maxClientConn }),
  };
}

function pooledChain(options: RecommendOptions): PooledChain | undefined {
  if (options.behindPooler === undefined) return undefined;
  return {
    mode: options.behindPooler,
    ...(options.poolerMaxClientConn === undefined ? {} : { maxClientConn: options.poolerMaxClientConn }),
  };
}

/**
 * --emit pgbouncer: the pooler's server pool, from the server's budget, the database's cores and the fleet's
 * traffic, with timeouts set against the server's (read with --db; PostgreSQL's defaults without).
 */
function serverPoolFor(
  options: RecommendOptions,
  from: {
    budget: ServerBudget;
    pool: EmitInput['pool'];
    preset: Awaited<ReturnType<typeof loadWorkload>>;
    traffic: TrafficReport | null;
    facts: ServerFacts | undefined;
  },
): ServerPoolSizing {
  const sizing = from.traffic?.sizing;
  const statementTimeoutMs = from.facts ? settingMs(from.facts, 'statement_timeout') : undefined;
  const idleSessionTimeoutMs = from.facts ? settingMs(from.facts, 'idle_session_timeout') : undefined;
  try {
    return sizeServerPool({
      mode: options.behindPooler ?? 'transaction',
      budget: from.budget,
      appPool: from.pool,
      appInstances: options.surge
        ? instancesDuringDeploy(options.instances, options.surge)
        : options.instances,
      ...(options.poolerInstances === undefined ? {} : { poolerInstances: options.poolerInstances }),
      ...(options.hardware ? { hardware: options.hardware } : {}),
      ...(sizing
        ? {
            traffic: {
              preset: from.preset,
              demand: {
                ratePerSecond: sizing.ratePerSecond,
                holdMs: sizing.holdMs,
                targetWaitMs: sizing.targetWaitMs,
                targetPercentile: sizing.targetPercentile,
                ...(sizing.callers === null ? {} : { callers: sizing.callers }),
              },
            },
          }
        : {}),
      ...(statementTimeoutMs === undefined ? {} : { serverStatementTimeoutMs: statementTimeoutMs }),
      ...(idleSessionTimeoutMs === undefined ? {} : { serverIdleSessionTimeoutMs: idleSessionTimeoutMs }),
    });
  } catch (error) {
    if (error instanceof TrafficInputError) throw new UsageError(error.message);
    throw error;
  }
}

export const recommend: CommandDeclaration<RecommendOptions> = {
  description: [
    'Recommend a connection-pool configuration and print it as code to paste.',
    '',
    '  usable = server max_connections − reserved − held by others',
    '  max    = min(ceil(concurrency × 1.2), floor(usable ÷ instances × 0.8))',
    '  min    = the preset’s share of max, at least 1',
    '',
    // One paragraph: commander wraps it to the terminal's width.
    [
      `Without --workload the ${DEFAULT_WORKLOAD} preset is sized. Without --concurrency the preset's`,
      'own pool size stands, capped by the budget. Without --db the budget is',
      `PostgreSQL's defaults: max_connections ${POSTGRES_DEFAULT_MAX_CONNECTIONS}, of which ${POSTGRES_DEFAULT_RESERVED_CONNECTIONS} reserved.`,
      'With --rps and --hold-ms, or --measure, the pool is sized from traffic instead (below).',
      'On a terminal with no flags, or with -i, a wizard asks for the inputs.',
    ].join(' '),
  ].join('\n'),
  flags: (command) =>
    addTrafficFlags(
      addBehindPoolerFlag(
        command
          .option(
            '-w, --workload <name|file>',
            `oltp, batch, microservice, or a preset file (.json); ${DEFAULT_WORKLOAD} when neither a flag, the plan nor the wizard names one`,
          )
          .option(
            '-c, --concurrency <n>',
            'expected concurrent requests per application instance',
            count(COUNT_RANGES.concurrency),
          )
          .option(
            '--instances <n>',
            'application instances sharing the server',
            count(COUNT_RANGES.instances),
            1,
          )
          .option(
            '--surge <n|n%>',
            'the deploy overlap: extra instances while a rolling deploy runs old and new ones (a count, or a share such as 25%); the pools are sized to fit with it',
            surgeValue,
          )
          .option(
            '--server-max-connections <n>',
            "the server's max_connections (PostgreSQL's default)",
            count(COUNT_RANGES.serverMaxConnections),
            POSTGRES_DEFAULT_MAX_CONNECTIONS,
          )
          .option(
            '--reserved-connections <n>',
            "slots ordinary roles cannot use (superuser_reserved_connections + reserved_connections; PostgreSQL's default)",
            count(COUNT_RANGES.reservedConnections),
            POSTGRES_DEFAULT_RESERVED_CONNECTIONS,
          )
          .option(
            '--other-connections <n>',
            'slots already held by other applications',
            count(COUNT_RANGES.otherConnections),
            0,
          )
          .addOption(
            new Option(
              '--emit <library>',
              'the configuration code to print; pgbouncer: a pgbouncer.ini fragment for a PgBouncer in front of the server, its server pool sized from the server budget',
            )
              .choices(EMITTERS)
              .default('eventcore'),
          ),
      )
        .option(
          '--raw',
          'print only the --emit code, no report and no colour (pooltune recommend --emit env --raw > pool.env); with -o the code goes to the file',
        )
        .option('-i, --interactive', 'ask for the inputs (needs a terminal)')
        .option(
          '--account-for-others',
          'with --db: size within the slots free now, counting the connections other clients hold as taken (without it they count as free, and a finding says what they hold)',
        )
        .option('--config <file>', 'the pool plan (default: the nearest pooltune.config.json)')
        .option(
          '--service <name>',
          "size this service of the plan: its workload, concurrency and instances; the other services' pools count as taken; with the plan's target.urlEnv, against that server's live budget",
        ),
    ),
  read: (command) => {
    const raw = command.opts<{
      db?: string;
      workload?: string;
      concurrency?: number;
      instances: number;
      serverMaxConnections: number;
      reservedConnections: number;
      otherConnections: number;
      emit: EmitterName;
      interactive?: boolean;
      raw?: boolean;
      format: string;
      json?: boolean;
      accountForOthers?: boolean;
      config?: string;
      service?: string;
    }>();
    if (raw.db !== undefined) {
      const clash = BUDGET_FLAGS.find((key) => command.getOptionValueSource(key) === 'cli');
      if (clash) {
        const flag = clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        command.error(`error: option '--db' reads the server budget itself; drop '--${flag}'`);
      }
    }
    if (raw.raw && (raw.json || raw.format !== 'text')) {
      command.error(
        `error: option '--raw' prints the code alone; drop '${raw.json ? '--json' : `--format ${raw.format}`}'`,
      );
    }
    const traffic = readTraffic(command);
    return {
      ...readShared(command),
      ...(raw.raw ? { raw: true } : {}),
      accountForOthers: raw.accountForOthers === true,
      ...(raw.config === undefined ? {} : { config: raw.config }),
      ...(raw.service === undefined ? {} : { service: raw.service }),
      ...(raw.workload === undefined ? {} : { workload: raw.workload }),
      ...(raw.concurrency === undefined ? {} : { concurrency: raw.concurrency }),
      instances: raw.instances,
      serverMaxConnections: raw.serverMaxConnections,
      reservedConnections: raw.reservedConnections,
      otherConnections: raw.otherConnections,
      emit: raw.emit,
      emitGiven: command.getOptionValueSource('emit') === 'cli',
      interactive: raw.interactive === true,
      ...traffic,
      ...readBehindPooler(command),
      ...(command.opts<{ surge?: Surge }>().surge === undefined
        ? {}
        : { surge: command.opts<{ surge: Surge }>().surge }),
      given: new Set(INPUTS.filter((key) => command.getOptionValueSource(key) === 'cli')),
    };
  },
  help: `
Examples:
  pooltune recommend --workload oltp --concurrency 33
  pooltune recommend --workload microservice --instances 12 --server-max-connections 200 --emit node-postgres
  pooltune recommend --workload ./my-preset.json --format json | jq .recommendation.pool
  pooltune recommend -w oltp --emit env --raw > pool.env
  pooltune recommend --db postgres://app@db:5432/app --workload oltp --concurrency 33 --instances 4
  pooltune recommend --rps 200 --hold-ms 20 --target-wait-ms 10
  pooltune recommend --db postgres://app@db:5432/app --measure 60s --instances 4 --db-cores 8
  pooltune recommend -w oltp --instances 8 --behind-pooler transaction --emit node-postgres
  pooltune recommend --db postgres://app@db:5432/app --instances 8 --db-cores 8 --emit pgbouncer --raw

Behind a pooler (--behind-pooler transaction|session):
  The application's connections are the pooler's clients, so its pool is not
  capped by the server's slots; the pooler's server pool is, and --emit
  pgbouncer sizes it: default_pool_size + reserve_pool_size within 80 % of the
  usable slots, no more than the database's CPU bound with --db-cores, and the
  pool Erlang C gives the fleet's whole rate with --rps/--hold-ms or --measure.
  The emitted configs send no startup parameters (PgBouncer refuses them):
  statement_timeout is set for the role with ALTER ROLE, and in transaction
  mode prepared statements are off.
${TRAFFIC_HELP}`,
  run: runRecommend,
};
