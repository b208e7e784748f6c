import type { Command } from 'commander';
import type { DatabaseHardware } from '../../core/cpu-bound.js';
import { DEFAULT_TARGET_PERCENTILE, DEFAULT_TARGET_WAIT_MS } from '../../core/guide.js';
import { TRAFFIC_RANGES } from '../../core/numbers.js';
import { count, decimal, measureWindow, percentile } from './values.js';

/** Size from traffic: a given rate and hold time, or a measurement on the target server. */
export interface TrafficOptions {
  readonly ratePerSecond?: number;
  readonly holdMs?: number;
  readonly measureMs?: number;
  readonly callers?: number;
  readonly targetWaitMs?: number;
  readonly targetPercentile?: number;
}

export const TRAFFIC_HELP = `
Sizing from traffic (--rps and --hold-ms, or --measure):
  Little's law gives the mean busy connections per instance,
  A = rate ÷ instances × hold time. Erlang C (random arrivals, exponential
  hold times) then gives each pool size's chance of waiting and its waits; the
  smallest pool whose --target-percentile wait is within --target-wait-ms is
  chosen (default: p${DEFAULT_TARGET_PERCENTILE} within ${DEFAULT_TARGET_WAIT_MS}ms), capped by the server budget.
  With --callers n (a fixed set of n callers per instance) the finite-source
  Engset model is used instead: fewer requests wait, and n connections are
  always enough. The guide's formula is shown beside the result, fed with
  ceil(A) as the concurrency. --measure reads pg_stat_database at the start
  and end of the window (PostgreSQL 14+ for the hold time; before 14 give
  --hold-ms too); it counts every application using that database. Ctrl-C
  sizes from the window so far.`;

/** Sizing from traffic, and the database server's hardware for the CPU bound. */
export function addTrafficFlags(command: Command): Command {
  return command
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
      'measure the rate and hold time on the server (--db, else DATABASE_URL or PG*) for this long (5s to 1h), then size from them',
      measureWindow,
    )
    .option(
      '--target-wait-ms <ms>',
      `traffic sizing: the longest acceptable wait for a connection (default ${DEFAULT_TARGET_WAIT_MS})`,
      decimal(TRAFFIC_RANGES.targetWaitMs),
    )
    .option(
      '--target-percentile <p>',
      `traffic sizing: the share of requests that must wait no longer than that, 0–100 (default ${DEFAULT_TARGET_PERCENTILE})`,
      percentile,
    )
    .option(
      '--callers <n>',
      'traffic sizing: a fixed number of callers per instance (a worker pool of n threads): uses the Engset model',
      count(TRAFFIC_RANGES.callers),
    )
    .option(
      '--db-cores <n>',
      "the database server's physical cores: warn when the fleet's pools far exceed (cores × 2) + spindles; traffic sizing stops the pools at that bound",
      count(TRAFFIC_RANGES.dbCores),
    )
    .option(
      '--db-spindles <n>',
      'with --db-cores: effective disk spindles, 0 when the data is cached (default: 0)',
      count(TRAFFIC_RANGES.dbSpindles),
    );
}

interface RawTraffic {
  db?: string;
  concurrency?: number;
  rps?: number;
  holdMs?: number;
  measure?: number;
  callers?: number;
  targetWaitMs?: number;
  targetPercentile?: number;
  dbCores?: number;
  dbSpindles?: number;
}

/** The traffic flags' combinations that cannot work, as one line; undefined when they are fine. */
function trafficFlagProblem(raw: RawTraffic): string | undefined {
  const has = (key: keyof RawTraffic) => raw[key] !== undefined;
  if (has('measure') && has('rps')) return "option '--measure' measures the rate itself; drop '--rps'";
  if (has('rps') && !has('holdMs'))
    return "option '--rps' needs '--hold-ms' (how long each request holds a connection)";
  if (has('holdMs') && !has('rps') && !has('measure'))
    return "option '--hold-ms' needs '--rps' (or --measure)";
  const traffic = has('rps') || has('measure');
  if (traffic && has('concurrency'))
    return "options '--concurrency' and '--rps'/'--measure' size the pool two ways; give one";
  if (!traffic) {
    const loose = (['targetWaitMs', 'targetPercentile', 'callers'] as const).find(has);
    if (loose) {
      const flag = loose.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      return `option '--${flag}' applies to sizing from traffic: add --rps and --hold-ms, or --measure`;
    }
  }
  if (has('dbSpindles') && !has('dbCores')) return "option '--db-spindles' needs '--db-cores'";
  return undefined;
}

/** The traffic and hardware flags; a combination that cannot work is a usage error. */
export function readTraffic(command: Command): { traffic?: TrafficOptions; hardware?: DatabaseHardware } {
  const raw = command.opts<RawTraffic>();
  const problem = trafficFlagProblem(raw);
  if (problem) command.error(`error: ${problem}`);
  const { rps, holdMs, measure, callers, targetWaitMs, targetPercentile, dbCores } = raw;
  return {
    ...(rps !== undefined || measure !== undefined
      ? {
          traffic: {
            ...(rps === undefined ? {} : { ratePerSecond: rps }),
            ...(holdMs === undefined ? {} : { holdMs }),
            ...(measure === undefined ? {} : { measureMs: measure }),
            ...(callers === undefined ? {} : { callers }),
            ...(targetWaitMs === undefined ? {} : { targetWaitMs }),
            ...(targetPercentile === undefined ? {} : { targetPercentile }),
          },
        }
      : {}),
    ...(dbCores === undefined ? {} : { hardware: { cores: dbCores, spindles: raw.dbSpindles ?? 0 } }),
  };
}
