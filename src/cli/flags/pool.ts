import { Command, InvalidArgumentError } from 'commander';
import type { PoolOverrides } from '../../core/bench/pool.js';
import { echo } from '../../core/echo.js';
import { COUNT_RANGES } from '../../core/numbers.js';
import { formatDuration } from '../../core/units.js';
import { count, duration } from './values.js';

/** Which pool to drive: a plan service, a workload's recommendation, or flags alone; flags win. */
export interface PoolSelection {
  readonly service?: string;
  readonly workload?: string;
  readonly concurrency?: number;
  readonly instances?: number;
  readonly overrides: PoolOverrides;
  /** How the user wrote it, for the column heading: `--pool-max 8`. */
  readonly spelled: string;
}

/** The flags that choose and shape the pool bench drives; --compare takes the same ones. */
export function addPoolFlags(command: Command): Command {
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
      'application instances sharing the server and the load, each a worker thread with its own pool (default 1); with --workload the recommendation is sized for them',
      count(COUNT_RANGES.instances),
    )
    .option('--service <name>', "start from this plan service's pool (pooltune.config.json)");
}

interface RawPool {
  poolMax?: number;
  poolMin?: number;
  acquireTimeout?: number;
  idleTimeout?: number;
  maxLifetime?: number;
  workload?: string;
  concurrency?: number;
  instances?: number;
  service?: string;
}

const POOL_FLAGS: Readonly<Record<keyof RawPool, string>> = {
  poolMax: '--pool-max',
  poolMin: '--pool-min',
  acquireTimeout: '--acquire-timeout',
  idleTimeout: '--idle-timeout',
  maxLifetime: '--max-lifetime',
  workload: '--workload',
  concurrency: '--concurrency',
  instances: '--instances',
  service: '--service',
};
const DURATION_FLAGS = new Set<keyof RawPool>(['acquireTimeout', 'idleTimeout', 'maxLifetime']);

/** The pool flags given on a command line, as a selection, with how they were written for headings. */
export function readPool(command: Command): PoolSelection {
  const raw = command.opts<RawPool>();
  const given = (Object.keys(POOL_FLAGS) as (keyof RawPool)[]).filter(
    (key) => command.getOptionValueSource(key) === 'cli',
  );
  if (given.includes('service') && given.includes('workload'))
    command.error("error: options '--service' and '--workload' both choose the pool to start from; give one");
  const overrides = {
    maxConnections: raw.poolMax,
    minConnections: raw.poolMin,
    acquireTimeoutMs: raw.acquireTimeout,
    idleTimeoutMs: raw.idleTimeout,
    maxLifetimeMs: raw.maxLifetime,
  };
  const { service, workload, concurrency, instances } = raw;
  const spell = (key: keyof RawPool) => {
    const value = raw[key];
    return typeof value === 'number' && DURATION_FLAGS.has(key) ? formatDuration(value) : echo(String(value));
  };
  return {
    ...(service === undefined ? {} : { service }),
    ...(workload === undefined ? {} : { workload }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(instances === undefined ? {} : { instances }),
    overrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
    spelled: given.map((key) => `${POOL_FLAGS[key]} ${spell(key)}`).join(' '),
  };
}

/**
 * The second pool: the first one's flags, with --compare's on top. Naming a service or a workload there
 * changes the starting point, so the first one's choice of either is dropped.
 */
export function comparedSelection(first: PoolSelection, compare: PoolSelection): PoolSelection {
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
export function parseCompare(text: string): PoolSelection {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .flatMap((token) => {
      const pair = /^(?:--)?([a-z][a-z-]*)=(.*)$/.exec(token);
      return pair ? [`--${pair[1]}`, pair[2] ?? ''] : [token];
    });
  let message = '';
  const parser = addPoolFlags(new Command('--compare'))
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
  return readPool(parser);
}
