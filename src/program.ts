import { Command, InvalidArgumentError, Option } from 'commander';
import {
  COUNT_RANGES,
  TRAFFIC_RANGES,
  countExpectation,
  parseCount,
  parseDecimal,
  type CountRange,
} from './core/numbers.js';
import { FAIL_ON_LEVELS, type FailOn } from './core/findings.js';
import { EMITTERS, type EmitterName } from './report/emit/types.js';
import { FORMATS, type CommonOptions, type Format } from './commands/common.js';
import type { BenchOptions, PoolSelection } from './commands/bench.js';
import type { CheckServerOptions } from './commands/check-server.js';
import type { HealthOptions } from './commands/health.js';
import type { MonitorOptions } from './commands/monitor.js';
import type { PreflightOptions } from './commands/preflight.js';
import type { RecommendOptions } from './commands/recommend.js';
import { echo } from './core/echo.js';
import { DURATION_HELP, SIZE_HELP, formatDuration, parseDuration, parseSize } from './core/units.js';
import { HOLD_DISTRIBUTIONS, type HoldDistribution, type Work } from './core/bench/load.js';
import type { Io } from './ui/io.js';

/** What a parsed command line asks for; cli.ts runs it. */
export type Invocation =
  | { readonly command: 'recommend'; readonly options: RecommendOptions }
  | { readonly command: 'check-server'; readonly options: CheckServerOptions }
  | { readonly command: 'health'; readonly options: HealthOptions }
  | { readonly command: 'preflight'; readonly options: PreflightOptions }
  | { readonly command: 'bench'; readonly options: BenchOptions }
  | { readonly command: 'monitor'; readonly options: MonitorOptions };

const EXIT_CODES_HELP = `
Exit codes:
  0    ran; no finding at or above --fail-on
  1    ran; a finding at or above --fail-on (the gate failed)
  2    usage or input error: bad flag, bad value, unreadable or invalid file
  3    could not reach or log in to the target database
  130  cancelled (Ctrl-C, or a cancelled prompt); 143 on SIGTERM. bench and
       monitor still print what they measured before they stopped

Environment:
  NO_COLOR     any non-empty value turns colour off (so does --no-color)
  FORCE_COLOR  turns colour on when output is not a terminal (0 turns it off)`;

function count(range: CountRange) {
  return (text: string): number => {
    const value = parseCount(text, range);
    if (value === undefined) throw new InvalidArgumentError(`Expected ${countExpectation(range)}.`);
    return value;
  };
}

/** A decimal such as 200 or 12.5; `above` excludes the range's minimum itself (a rate of 0 is no rate). */
function decimal(range: CountRange, above = false) {
  return (text: string): number => {
    const value = parseDecimal(text, range);
    if (value === undefined || (above && value === range.min)) {
      const low = above ? `above ${range.min}` : `from ${range.min}`;
      throw new InvalidArgumentError(`Expected a number ${low} to ${range.max}, such as 200 or 12.5.`);
    }
    return value;
  };
}

function percentile(text: string): number {
  const value = parseDecimal(text, TRAFFIC_RANGES.targetPercentile);
  if (value === undefined || value <= 0 || value >= 100)
    throw new InvalidArgumentError('Expected a percentile above 0 and below 100, such as 99 or 99.9.');
  return value;
}

/** The shortest --measure window: backends report statistics about once a second, so shorter is mostly noise. */
const MIN_MEASURE_MS = 5000;

function measureWindow(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < MIN_MEASURE_MS || ms > 3_600_000)
    throw new InvalidArgumentError(`Expected ${DURATION_HELP}, from 5s to 1h.`);
  return Math.round(ms);
}

function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > 86_400_000)
    throw new InvalidArgumentError(`Expected ${DURATION_HELP}, above 0 and at most 1d.`);
  // A timeout of 0 means "none" to pg; `0.1us` must not round to it.
  if (Math.round(ms) < 1) throw new InvalidArgumentError('Expected at least 1ms.');
  return Math.round(ms);
}

/**
 * commander repeats a bad value in its message (`argument '…' is invalid`, `unknown option '…'`): shown
 * through `echo`, so that a newline, an escape sequence or 100 000 characters keep the error one short line.
 */
function commanderMessage(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const match =
    /^(error: option '[^']*' value ')([\s\S]*)(' from env '[^']*' is invalid\.[^\n]*)$/.exec(body) ??
    /^(error: option '[^']*' argument ')([\s\S]*)(' is invalid\.[^\n]*)$/.exec(body) ??
    /^(error: unknown (?:option|command) ')([\s\S]*?)('(?:\n\(Did you mean [^\n]*\))?)$/.exec(body);
  return `${match ? `${match[1]}${echo(match[2] ?? '')}${match[3]}` : body}\n`;
}

// Tab, newline and carriage return are SQL whitespace; other control characters are never SQL.
// eslint-disable-next-line no-control-regex
const QUERY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The monitor's sampling interval: shorter than 100ms would measure pooltune more than the server. */
function monitorInterval(text: string): number {
  const ms = duration(text);
  if (ms < 100) throw new InvalidArgumentError('Expected at least 100ms.');
  return ms;
}

function size(text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes <= 0) throw new InvalidArgumentError(`Expected ${SIZE_HELP}.`);
  return bytes;
}

/** A duration that may be 0 (`--warmup 0`: no warm-up). */
function durationOrZero(text: string): number {
  return /^\s*0+\s*$/.test(text) ? 0 : duration(text);
}

/** The flags that choose and shape the pool bench drives; --compare takes the same ones. */
function addPoolOptions(command: Command): Command {
  return command
    .option('--pool-max <n>', 'the pool size (max connections) to drive', count(COUNT_RANGES.poolMax))
    .option(
      '--pool-min <n>',
      'connections the pool keeps open (opened before the clock starts)',
      count(COUNT_RANGES.poolMin),
    )
    .option(
      '--acquire-timeout <duration>',
      'how long a request waits for a connection before giving up',
      duration,
    )
    .option('--idle-timeout <duration>', 'close connections idle for this long', duration)
    .option('--max-lifetime <duration>', 'replace connections older than this', duration)
    .option(
      '-w, --workload <name|file>',
      "start from pooltune recommend's pool for this workload on the server",
    )
    .option(
      '-c, --concurrency <n>',
      'with --workload: expected concurrent requests per instance',
      count(COUNT_RANGES.concurrency),
    )
    .option(
      '--instances <n>',
      'with --workload: application instances sharing the server',
      count(COUNT_RANGES.instances),
    )
    .option('--service <name>', "start from this plan service's pool (pooltune.config.json)");
}

const POOL_FLAGS = {
  poolMax: '--pool-max',
  poolMin: '--pool-min',
  acquireTimeout: '--acquire-timeout',
  idleTimeout: '--idle-timeout',
  maxLifetime: '--max-lifetime',
  workload: '--workload',
  concurrency: '--concurrency',
  instances: '--instances',
  service: '--service',
} as const;
const DURATION_FLAGS = new Set(['acquireTimeout', 'idleTimeout', 'maxLifetime']);

/** The pool flags given on a command line, as a selection, with how they were written for headings. */
function poolSelection(command: Command): PoolSelection {
  const raw = command.opts<Record<string, unknown>>();
  const given = (Object.keys(POOL_FLAGS) as (keyof typeof POOL_FLAGS)[]).filter(
    (key) => command.getOptionValueSource(key) === 'cli',
  );
  const number = (key: string) => (typeof raw[key] === 'number' ? (raw[key] as number) : undefined);
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  if (given.includes('service') && given.includes('workload'))
    command.error("error: options '--service' and '--workload' both choose the pool to start from; give one");
  const overrides = {
    maxConnections: number('poolMax'),
    minConnections: number('poolMin'),
    acquireTimeoutMs: number('acquireTimeout'),
    idleTimeoutMs: number('idleTimeout'),
    maxLifetimeMs: number('maxLifetime'),
  };
  const service = text('service');
  const workload = text('workload');
  const concurrency = number('concurrency');
  const instances = number('instances');
  return {
    ...(service === undefined ? {} : { service }),
    ...(workload === undefined ? {} : { workload }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(instances === undefined ? {} : { instances }),
    overrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
    spelled: given
      .map(
        (key) =>
          `${POOL_FLAGS[key]} ${DURATION_FLAGS.has(key) ? formatDuration(raw[key] as number) : echo(String(raw[key]))}`,
      )
      .join(' '),
  };
}

/**
 * The second pool: the first one's flags, with --compare's on top. Naming a service or a workload there
 * changes the starting point, so the first one's choice of either is dropped.
 */
function comparedSelection(first: PoolSelection, compare: PoolSelection): PoolSelection {
  const rebased = compare.service !== undefined || compare.workload !== undefined;
  const base = { ...first };
  if (rebased) {
    delete base.service;
    delete base.workload;
  }
  return {
    ...base,
    ...compare,
    overrides: { ...first.overrides, ...compare.overrides },
    spelled: compare.spelled,
  };
}

/**
 * --compare's value: the same pool flags, as `--pool-max 8 --acquire-timeout 1s` or `pool-max=8`. A fresh
 * parser with the same definitions reads it, so the two can never disagree.
 */
function parseCompare(text: string): PoolSelection {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .flatMap((token) => {
      const pair = /^(?:--)?([a-z][a-z-]*)=(.*)$/.exec(token);
      return pair ? [`--${pair[1]}`, pair[2] ?? ''] : [token];
    });
  let message = '';
  const parser = addPoolOptions(new Command('--compare'))
    .exitOverride()
    .configureOutput({ writeErr: (t) => (message += t), writeOut: () => undefined })
    .allowExcessArguments(false);
  try {
    parser.parse(tokens, { from: 'user' });
  } catch {
    const reason =
      message
        .replace(/^error: /, '')
        .trim()
        .split('\n')[0] ?? 'not understood';
    throw new InvalidArgumentError(`${reason}; expected pool flags such as "--pool-max 8" or "pool-max=8"`);
  }
  if (tokens.length === 0) throw new InvalidArgumentError('Expected pool flags such as "--pool-max 8".');
  return poolSelection(parser);
}

const CONNECTION_HELP = `
Connection:
  --db takes a URL such as postgres://user@host:5432/db?sslmode=require.
  Without it pooltune uses DATABASE_URL, else the PG* variables (PGHOST,
  PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGPASSFILE
  or ~/.pgpass), as psql does. Passwords are never printed. pooltune's sessions
  are read-only, named pooltune, time-limited, and closed when it is done.`;

function addDatabaseOptions(command: Command): Command {
  return command
    .option('--db <url>', 'the database to connect to (else DATABASE_URL, else PG* variables)')
    .option('--connect-timeout <duration>', 'give up connecting after this long (default 10s)', duration);
}

interface RawDatabase {
  db?: string;
  connectTimeout?: number;
}

function databaseOptions(raw: RawDatabase): { db?: string; connectTimeoutMs?: number } {
  return {
    ...(raw.db === undefined ? {} : { db: raw.db }),
    ...(raw.connectTimeout === undefined ? {} : { connectTimeoutMs: raw.connectTimeout }),
  };
}

function addCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--format <format>', 'text, json, markdown, github (annotations + step summary) or junit')
        .choices(FORMATS)
        .default('text'),
    )
    .option('--json', 'shorthand for --format json')
    .option(
      '-o, --output <file>',
      'write the report in --format to this file; the terminal gets the text report',
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(FAIL_ON_LEVELS)
        .env('POOLTUNE_FAIL_ON')
        .default('critical'),
    )
    .option('-q, --quiet', 'print only the configuration and the findings that need attention')
    .option('-v, --verbose', 'explain what pooltune is doing, on stderr');
}

interface RawCommon {
  format: Format;
  output?: string;
  json?: boolean;
  failOn: FailOn;
  quiet?: boolean;
  verbose?: boolean;
}

function commonOptions(raw: RawCommon, program: Command): CommonOptions {
  const color = program.opts<{ color?: boolean }>().color;
  return {
    format: raw.json ? 'json' : raw.format,
    failOn: raw.failOn,
    ...(color === false ? { color: false } : {}),
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
    ...(raw.output === undefined ? {} : { output: raw.output }),
  };
}

const TRAFFIC_HELP = `
Sizing from traffic (--rps and --hold-ms, or --measure):
  Little's law gives the mean busy connections per instance, A = rate ÷ instances
  × hold time. Erlang C (random arrivals, exponential hold times) then gives each
  pool size's chance of waiting and its waits; the smallest pool whose
  --target-percentile wait is within --target-wait-ms is chosen (default: p99
  within 10ms), capped by the server budget. With --callers n (a fixed set of
  n callers per instance) the finite-source Engset model is used instead: fewer
  requests wait, and n connections are always enough. The guide's formula is
  shown beside the result, fed with ceil(A) as the concurrency.
  --measure reads pg_stat_database at the start and end of the window
  (PostgreSQL 14+ for the hold time; before 14 give --hold-ms too); it counts
  every application using that database. Ctrl-C sizes from the window so far.`;

/** The traffic flags' combinations that cannot work, as one line; undefined when they are fine. */
function trafficFlagProblem(raw: Record<string, unknown>): string | undefined {
  const has = (key: string) => raw[key] !== undefined;
  if (has('measure') && raw.db === undefined)
    return "option '--measure' needs --db (it measures that server)";
  if (has('measure') && has('rps')) return "option '--measure' measures the rate itself; drop '--rps'";
  if (has('rps') && !has('holdMs'))
    return "option '--rps' needs '--hold-ms' (how long each request holds a connection)";
  if (has('holdMs') && !has('rps') && !has('measure'))
    return "option '--hold-ms' needs '--rps' (or --measure)";
  const traffic = has('rps') || has('measure');
  if (traffic && has('concurrency'))
    return "options '--concurrency' and '--rps'/'--measure' size the pool two ways; give one";
  if (!traffic) {
    const loose = ['targetWaitMs', 'targetPercentile', 'callers'].find(has);
    if (loose) {
      const flag = loose.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      return `option '--${flag}' applies to sizing from traffic: add --rps and --hold-ms, or --db … --measure`;
    }
  }
  if (has('dbSpindles') && !has('dbCores')) return "option '--db-spindles' needs '--db-cores'";
  return undefined;
}

function trafficOptions(raw: Record<string, unknown>): Pick<RecommendOptions, 'traffic' | 'hardware'> {
  const number = (key: string) => (typeof raw[key] === 'number' ? raw[key] : undefined);
  const rps = number('rps');
  const holdMs = number('holdMs');
  const measureMs = number('measure');
  const callers = number('callers');
  const targetWaitMs = number('targetWaitMs');
  const targetPercentile = number('targetPercentile');
  const cores = number('dbCores');
  return {
    ...(rps !== undefined || measureMs !== undefined
      ? {
          traffic: {
            ...(rps === undefined ? {} : { ratePerSecond: rps }),
            ...(holdMs === undefined ? {} : { holdMs }),
            ...(measureMs === undefined ? {} : { measureMs }),
            ...(callers === undefined ? {} : { callers }),
            ...(targetWaitMs === undefined ? {} : { targetWaitMs }),
            ...(targetPercentile === undefined ? {} : { targetPercentile }),
          },
        }
      : {}),
    ...(cores === undefined ? {} : { hardware: { cores, spindles: number('dbSpindles') ?? 0 } }),
  };
}

/**
 * commander wiring only: flags, help and parsing. Each action records what to run; nothing runs here, so the
 * parser can be tested on its own and cli.ts owns errors and exit codes.
 */
export function createProgram(io: Io, version: string, onInvoke: (invocation: Invocation) => void): Command {
  const program = new Command('pooltune')
    .description('Size, check and diagnose PostgreSQL connection pools.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--no-color', 'never print colour')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`pooltune: ${commanderMessage(text)}`),
    })
    .addHelpText('after', EXIT_CODES_HELP);

  const recommend = program
    .command('recommend')
    .summary('recommend a pool configuration for a workload')
    .description(
      [
        'Recommend a connection-pool configuration and print it as code to paste.',
        '',
        '  usable slots = server max_connections − reserved − held by others',
        '  max          = min(ceil(concurrency × 1.2), floor(usable ÷ instances × 0.8))',
        '  min          = the preset’s share of max, at least 1',
        '',
        "Without --concurrency the preset's own pool size stands, capped by the budget.",
        'With --rps and --hold-ms, or --db … --measure, the pool is sized from traffic instead (below).',
        'On a terminal with no flags, or with -i, a wizard asks for the inputs.',
      ].join('\n'),
    )
    .option('-w, --workload <name|file>', 'oltp, batch, microservice, or a preset file (.json)')
    .option(
      '-c, --concurrency <n>',
      'expected concurrent requests per application instance',
      count(COUNT_RANGES.concurrency),
    )
    .option('--instances <n>', 'application instances sharing the server', count(COUNT_RANGES.instances), 1)
    .option(
      '--server-max-connections <n>',
      "the server's max_connections",
      count(COUNT_RANGES.serverMaxConnections),
      100,
    )
    .option(
      '--reserved-connections <n>',
      'slots ordinary roles cannot use (superuser_reserved_connections + reserved_connections)',
      count(COUNT_RANGES.reservedConnections),
      0,
    )
    .option(
      '--other-connections <n>',
      'slots already held by other applications',
      count(COUNT_RANGES.otherConnections),
      0,
    )
    .addOption(
      new Option('--emit <library>', 'the configuration code to print')
        .choices(EMITTERS)
        .default('eventcore'),
    )
    .option('-i, --interactive', 'ask for the inputs (needs a terminal)')
    .option('--account-for-others', 'with --db: count the connections other applications hold now as taken')
    .option('--config <file>', 'the pool plan (default: the nearest pooltune.config.json)')
    .option(
      '--service <name>',
      "size this service of the plan: its workload, concurrency and instances; the other services' pools count as taken",
    )
    .option(
      '--rps <n>',
      'size from traffic: requests (transactions) per second across all instances, shared equally',
      decimal(TRAFFIC_RANGES.ratePerSecond, true),
    )
    .option(
      '--hold-ms <ms>',
      'with --rps: how long one request holds a connection, in ms (its queries plus the work between them)',
      decimal(TRAFFIC_RANGES.holdMs, true),
    )
    .option(
      '--measure <duration>',
      'with --db: measure the rate and hold time on the server for this long (5s to 1h), then size from them',
      measureWindow,
    )
    .option(
      '--target-wait-ms <ms>',
      'traffic sizing: the longest acceptable wait for a connection (default 10)',
      decimal(TRAFFIC_RANGES.targetWaitMs),
    )
    .option(
      '--target-percentile <p>',
      'traffic sizing: the share of requests that must wait no longer than that, 0–100 (default 99)',
      percentile,
    )
    .option(
      '--callers <n>',
      'traffic sizing: a fixed number of callers per instance (a worker pool of n threads): uses the Engset model',
      count(TRAFFIC_RANGES.callers),
    )
    .option(
      '--db-cores <n>',
      "the database server's physical cores: warn when the fleet's pools far exceed (cores × 2) + spindles",
      count(TRAFFIC_RANGES.dbCores),
    )
    .option(
      '--db-spindles <n>',
      'with --db-cores: effective disk spindles (0 when the data is cached; default 0)',
      count(TRAFFIC_RANGES.dbSpindles),
    );
  addDatabaseOptions(recommend);
  addCommonOptions(recommend);
  recommend.action((raw: RawCommon & RawDatabase & Record<string, unknown>, command: Command) => {
    const inputs = [
      'db',
      'workload',
      'concurrency',
      'instances',
      'serverMaxConnections',
      'reservedConnections',
      'otherConnections',
      'rps',
      'measure',
    ] as const;
    const budgetFlags = ['serverMaxConnections', 'reservedConnections', 'otherConnections'] as const;
    if (raw.db !== undefined) {
      const clash = budgetFlags.find((key) => command.getOptionValueSource(key) === 'cli');
      if (clash) {
        const flag = clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        command.error(`error: option '--db' reads the server budget itself; drop '--${flag}'`);
      }
    } else if (raw.accountForOthers) {
      command.error(
        "error: option '--account-for-others' needs --db (it counts the connections on that server)",
      );
    }
    const trafficProblem = trafficFlagProblem(raw);
    if (trafficProblem) command.error(`error: ${trafficProblem}`);
    const given = new Set(inputs.filter((key) => command.getOptionValueSource(key) === 'cli'));
    onInvoke({
      command: 'recommend',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        accountForOthers: raw.accountForOthers === true,
        ...(typeof raw.config === 'string' ? { config: raw.config } : {}),
        ...(typeof raw.service === 'string' ? { service: raw.service } : {}),
        failOnGiven: ['cli', 'env'].includes(command.getOptionValueSource('failOn') ?? ''),
        ...(typeof raw.workload === 'string' ? { workload: raw.workload } : {}),
        ...(typeof raw.concurrency === 'number' ? { concurrency: raw.concurrency } : {}),
        instances: raw.instances as number,
        serverMaxConnections: raw.serverMaxConnections as number,
        reservedConnections: raw.reservedConnections as number,
        otherConnections: raw.otherConnections as number,
        emit: raw.emit as EmitterName,
        interactive: raw.interactive === true,
        ...trafficOptions(raw),
        given,
      },
    });
  });
  recommend.addHelpText(
    'after',
    `
Examples:
  pooltune recommend --workload oltp --concurrency 33
  pooltune recommend --workload microservice --instances 12 --server-max-connections 200 --emit node-postgres
  pooltune recommend --workload ./my-preset.json --format json | jq .recommendation.pool
  pooltune recommend --db postgres://app@db:5432/app --workload oltp --concurrency 33 --instances 4
  pooltune recommend --rps 200 --hold-ms 20 --target-wait-ms 10
  pooltune recommend --db postgres://app@db:5432/app --measure 60s --instances 4 --db-cores 8
${TRAFFIC_HELP}
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );

  const checkServer = program
    .command('check-server')
    .summary("judge a server's connection settings against the guide")
    .description(
      [
        "Judge a server's connection settings and current usage against the tuning",
        'guide: the connection tier, reserved and usable slots and how many are taken,',
        'the idle-in-transaction, statement and idle-session timeouts, work_mem, and',
        'the memory connections may claim. With --pool-max and --instances it checks',
        'a planned fleet against the usable slots. Each problem comes with the',
        'ALTER SYSTEM statement that fixes it; pooltune prints it and never runs it.',
      ].join('\n'),
    )
    .option(
      '-w, --workload <name|file>',
      "the workload the server serves: decides the statement_timeout expected (default: the plan's, else oltp)",
    )
    .option('--config <file>', 'a pool plan to check as well (default: the nearest pooltune.config.json)')
    .option('--pool-max <n>', 'planned pool size per application instance', count(COUNT_RANGES.poolMax))
    .option(
      '--instances <n>',
      'planned application instances (with --pool-max)',
      count(COUNT_RANGES.instances),
      1,
    )
    .option(
      '--server-memory <size>',
      "the server's memory, e.g. 16GB, to judge what connections may claim",
      size,
    )
    .option('--behind-pooler', 'the applications connect through a pooler such as PgBouncer');
  addDatabaseOptions(checkServer);
  addCommonOptions(checkServer);
  checkServer.action((raw: RawCommon & RawDatabase & Record<string, unknown>) => {
    onInvoke({
      command: 'check-server',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        ...(typeof raw.workload === 'string' ? { workload: raw.workload } : {}),
        ...(typeof raw.config === 'string' ? { config: raw.config } : {}),
        failOnGiven: ['cli', 'env'].includes(checkServer.getOptionValueSource('failOn') ?? ''),
        ...(typeof raw.poolMax === 'number' ? { poolMax: raw.poolMax } : {}),
        instances: raw.instances as number,
        ...(typeof raw.serverMemory === 'number' ? { serverMemoryBytes: raw.serverMemory } : {}),
        behindPooler: raw.behindPooler === true,
      },
    });
  });
  const health = program
    .command('health')
    .summary('probe a live server: connections, pool acquisition, latency, utilisation')
    .description(
      [
        'Probe a live server, read-only and bounded: the time a fresh connection takes, a',
        'small pool driven by concurrent workers (acquisition waits, timeouts), query',
        'latency percentiles over many round trips, how full the server is, sessions',
        'idle in a transaction, connection churn, and optionally the schema. The pool',
        "probe never takes the server's last free slots: it shrinks and says so.",
      ].join('\n'),
    )
    .option(
      '--probe-connections <n>',
      'size of the probe pool (shrunk to leave free slots)',
      count(COUNT_RANGES.probeConnections),
      4,
    )
    .addOption(
      new Option('--duration <duration>', 'how long to drive the probe pool')
        .argParser(duration)
        .default(2000, '2s'),
    )
    .option('--samples <n>', 'query round trips to time', count(COUNT_RANGES.samples), 200)
    .option('--query <sql>', 'a read-only query to time instead of SELECT 1')
    .option(
      '--schema <eventcore|file>',
      "verify the schema: EventCore 2.x's tables and migrations, or a JSON spec file",
    )
    .option(
      '--idle-in-transaction-threshold <duration>',
      'report sessions idle in a transaction for longer than this (default 5min)',
      duration,
    )
    .addOption(
      new Option(
        '--statement-timeout <duration>',
        "statement_timeout of pooltune's sessions, for --query too",
      )
        .argParser(duration)
        .default(10_000, '10s'),
    );
  addDatabaseOptions(health);
  addCommonOptions(health);
  health.action((raw: RawCommon & RawDatabase & Record<string, unknown>) => {
    if (typeof raw.query === 'string' && raw.query.trim() === '')
      health.error("error: option '--query <sql>' is empty");
    if (typeof raw.query === 'string' && QUERY_CONTROL.test(raw.query))
      health.error("error: option '--query <sql>' holds a control character; expected a read-only SQL query");
    onInvoke({
      command: 'health',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        probeConnections: raw.probeConnections as number,
        durationMs: raw.duration as number,
        samples: raw.samples as number,
        ...(typeof raw.query === 'string' ? { query: raw.query } : {}),
        ...(typeof raw.schema === 'string' ? { schema: raw.schema } : {}),
        idleInTransactionThresholdMs: (raw.idleInTransactionThreshold as number | undefined) ?? 300_000,
        statementTimeoutMs: raw.statementTimeout as number,
      },
    });
  });
  health.addHelpText(
    'after',
    `
Examples:
  pooltune health --db postgres://monitor@db:5432/app
  pooltune health --probe-connections 2 --duration 5s --samples 1000 --format json
  pooltune health --schema eventcore --fail-on warning
  pooltune health --query "select count(*) from orders where created_at > now() - interval '1 minute'"
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );

  const preflight = program
    .command('preflight')
    .summary('gate a deploy: the server, its health and the pool plan, one exit code')
    .description(
      [
        'Check the pool plan in pooltune.config.json (found from this folder upwards, or',
        '--config) against its server in one go: the check-server checks, a short health',
        'probe, and the plan checks (the fleet total against the free slots, and each',
        "service's pool against its recommendation). One report, one exit code.",
      ].join('\n'),
    )
    .option('--config <file>', 'the plan file (default: the nearest pooltune.config.json)')
    .option('--no-health', 'skip the live health probe')
    .option(
      '--probe-connections <n>',
      'size of the health probe pool',
      count(COUNT_RANGES.probeConnections),
      2,
    )
    .addOption(
      new Option('--duration <duration>', 'how long to drive the probe pool')
        .argParser(duration)
        .default(1000, '1s'),
    )
    .option('--samples <n>', 'query round trips to time', count(COUNT_RANGES.samples), 100);
  addDatabaseOptions(preflight);
  addCommonOptions(preflight);
  preflight.action((raw: RawCommon & RawDatabase & Record<string, unknown>, command: Command) => {
    const source = command.getOptionValueSource('failOn');
    onInvoke({
      command: 'preflight',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        ...(typeof raw.config === 'string' ? { config: raw.config } : {}),
        failOnGiven: source === 'cli' || source === 'env',
        health: raw.health !== false,
        probeConnections: raw.probeConnections as number,
        durationMs: raw.duration as number,
        samples: raw.samples as number,
      },
    });
  });
  preflight.addHelpText(
    'after',
    `
Examples:
  pooltune preflight                                  # pooltune.config.json, target from its urlEnv
  pooltune preflight --config deploy/pooltune.config.json --fail-on warning
  pooltune preflight --format github                  # annotations + step summary in GitHub Actions
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );

  // ── bench (commands/bench.ts) ──
  const bench = program
    .command('bench')
    .summary('drive a real pool with load and measure acquisition waits, latency and timeouts')
    .description(
      [
        'Drive a real node-postgres pool, set up as a recommendation, a plan service or',
        'your flags say, with a chosen load, and measure per request the wait for a',
        'connection, the query time and the total; judge them by the guide (a mean wait',
        'under 1ms is excellent, above 10ms poor; timeouts under 0.1 %). Requests are',
        'read-only: SELECT 1, a pg_sleep that holds the connection (--hold-ms), or your',
        '--query. Open-loop load (--rate) arrives at random, as real traffic does, and',
        'counts time from when each request was due. --compare runs a second pool under',
        'the same load, side by side; the exit code follows the first. bench refuses a',
        "pool that would take the server's last free slots, and asks before loading a",
        'server on another machine.',
      ].join('\n'),
    );
  addPoolOptions(bench)
    .option(
      '--clients <n>',
      'closed loop: this many callers, each sending again when done (default: the pool size)',
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
      new Option('--duration <duration>', 'how long to measure').argParser(duration).default(10_000, '10s'),
    )
    .addOption(
      new Option('--warmup <duration>', 'run the load this long first without counting it (0: none)')
        .argParser(durationOrZero)
        .default(1000, '1s'),
    )
    .option(
      '--compare <pool flags>',
      'run a second pool under the same load: e.g. "--pool-max 8"; unset flags come from the first',
      parseCompare,
    )
    .option('--config <file>', 'the plan for --service (default: the nearest pooltune.config.json)')
    .option('-y, --yes', 'load a server that is not on this machine without asking');
  addDatabaseOptions(bench);
  addCommonOptions(bench);
  bench.action((raw: RawCommon & RawDatabase & Record<string, unknown>, command: Command) => {
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
    if (typeof raw.query === 'string' && (raw.query.trim() === '' || QUERY_CONTROL.test(raw.query)))
      command.error(
        "error: option '--query <sql>' is empty or holds a control character; expected a read-only SQL query",
      );
    const first = poolSelection(command);
    const compare = raw.compare as PoolSelection | undefined;
    const work: Work =
      typeof raw.holdMs === 'number'
        ? {
            kind: 'hold',
            holdMs: raw.holdMs,
            distribution: (raw.holdDist as HoldDistribution | undefined) ?? 'fixed',
          }
        : typeof raw.query === 'string'
          ? { kind: 'query', sql: raw.query }
          : { kind: 'select-1' };
    const source = command.getOptionValueSource('failOn');
    onInvoke({
      command: 'bench',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        ...(typeof raw.config === 'string' ? { config: raw.config } : {}),
        failOnGiven: source === 'cli' || source === 'env',
        pool: first,
        ...(compare ? { compare: comparedSelection(first, compare) } : {}),
        ...(typeof raw.clients === 'number' ? { arrivals: { kind: 'closed', clients: raw.clients } } : {}),
        ...(typeof raw.rate === 'number' ? { arrivals: { kind: 'open', ratePerSecond: raw.rate } } : {}),
        work,
        durationMs: raw.duration as number,
        warmupMs: raw.warmup as number,
        yes: raw.yes === true,
      },
    });
  });
  bench.addHelpText(
    'after',
    `
Examples:
  pooltune bench --pool-max 4 --rate 400 --hold-ms 5 --hold-dist exp --compare "--pool-max 8"
  pooltune bench --workload oltp --concurrency 30 --clients 40 --duration 30s
  pooltune bench --service api --rate 200 --hold-ms 20 --format json
  pooltune bench --pool-max 10 --clients 10 --query "select * from orders where id = 42"
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );

  // ── monitor (commands/monitor.ts) ──
  const monitor = program
    .command('monitor')
    .summary('watch a live server over time: utilisation, churn, idle transactions, lock waits')
    .description(
      [
        'Sample a live server every --interval on one read-only session: client',
        'connections by state against the usable slots, new sessions per second and',
        'sessions that ended abnormally (PostgreSQL 14+), sessions idle in a',
        'transaction, the longest running query, and sessions waiting on locks. On a',
        'terminal the view is redrawn in place; otherwise each sample is one line, or',
        'one JSON object per line with --format json. At the end (--duration or',
        'Ctrl-C) a summary judges the whole run: the peak utilisation decides.',
      ].join('\n'),
    )
    .addOption(
      new Option('--interval <duration>', 'time between samples, at least 100ms')
        .argParser(monitorInterval)
        .default(5000, '5s'),
    )
    .option('--duration <duration>', 'stop after this long (default: run until Ctrl-C)', duration)
    .option(
      '--idle-in-transaction-threshold <duration>',
      'report sessions idle in a transaction for longer than this (default 5min)',
      duration,
    );
  addDatabaseOptions(monitor);
  addCommonOptions(monitor);
  monitor.action((raw: RawCommon & RawDatabase & Record<string, unknown>) => {
    const intervalMs = raw.interval as number;
    if (typeof raw.duration === 'number' && raw.duration < intervalMs)
      monitor.error(
        `error: option '--duration' (${formatDuration(raw.duration)}) is shorter than --interval (${formatDuration(intervalMs)}): no sample would be taken`,
      );
    onInvoke({
      command: 'monitor',
      options: {
        ...commonOptions(raw, program),
        ...databaseOptions(raw),
        intervalMs,
        ...(typeof raw.duration === 'number' ? { durationMs: raw.duration } : {}),
        idleInTransactionThresholdMs: (raw.idleInTransactionThreshold as number | undefined) ?? 300_000,
      },
    });
  });
  monitor.addHelpText(
    'after',
    `
Examples:
  pooltune monitor --db postgres://monitor@db:5432/app
  pooltune monitor --interval 1s --duration 5min --fail-on warning     # watch a load test in CI
  pooltune monitor --interval 1s --format json | jq -c 'select(.type == "sample") | .utilisationPercent'
  pooltune monitor --duration 10min --format markdown -o monitor.md

Each --format json line has "type": "sample" (schemas/monitor-sample.schema.json)
or, last, "type": "summary" (the report, as in schemas/report.schema.json).
Ctrl-C (or SIGTERM) ends the run early: the summary is still printed, exit 130 (143).
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );

  checkServer.addHelpText(
    'after',
    `
Examples:
  pooltune check-server --db postgres://admin@db:5432/postgres
  pooltune check-server --workload batch --server-memory 32GB
  pooltune check-server --pool-max 50 --instances 6 --fail-on warning --format json
${CONNECTION_HELP}
${EXIT_CODES_HELP}`,
  );
  return program;
}
