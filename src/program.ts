import { Command, InvalidArgumentError, Option } from 'commander';
import { COUNT_RANGES, countExpectation, parseCount, type CountRange } from './core/numbers.js';
import { FAIL_ON_LEVELS, type FailOn } from './core/findings.js';
import { EMITTERS, type EmitterName } from './report/emit/types.js';
import { FORMATS, type CommonOptions, type Format } from './commands/common.js';
import type { BenchOptions } from './commands/bench.js';
import type { CheckServerOptions } from './commands/check-server.js';
import type { HealthOptions } from './commands/health.js';
import type { MonitorOptions } from './commands/monitor.js';
import type { PreflightOptions } from './commands/preflight.js';
import type { RecommendOptions } from './commands/recommend.js';
import { echo } from './core/echo.js';
import { DURATION_HELP, SIZE_HELP, formatDuration, parseDuration, parseSize } from './core/units.js';
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
  130  cancelled (Ctrl-C, or a cancelled prompt)

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
    .option('--duration <duration>', 'how long to drive the probe pool', duration, 2000)
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
    .option(
      '--statement-timeout <duration>',
      "statement_timeout of pooltune's sessions, for --query too",
      duration,
      10_000,
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
    .option('--duration <duration>', 'how long to drive the probe pool', duration, 1000)
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
