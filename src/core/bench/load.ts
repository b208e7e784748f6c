import { BENCH_RUN } from '../guide.js';

/**
 * The load `pooltune bench` applies: who calls (a closed loop of clients, or open-loop arrivals at a rate),
 * and what each request does while it holds a connection.
 */
export const HOLD_DISTRIBUTIONS = ['fixed', 'exp'] as const;
export type HoldDistribution = (typeof HOLD_DISTRIBUTIONS)[number];

export type Arrivals =
  /** `clients` callers, each sending its next request as soon as the last one is done. */
  | { readonly kind: 'closed'; readonly clients: number }
  /** Requests arrive at random (Poisson) at `ratePerSecond`, whether or not earlier ones are done. */
  | { readonly kind: 'open'; readonly ratePerSecond: number };

export type Work =
  | { readonly kind: 'select-1' }
  /** A read-only pg_sleep: the connection is held for this long (fixed, or exponential with this mean). */
  | { readonly kind: 'hold'; readonly holdMs: number; readonly distribution: HoldDistribution }
  | { readonly kind: 'query'; readonly sql: string };

export interface Load {
  readonly arrivals: Arrivals;
  readonly work: Work;
  readonly durationMs: number;
  /** Run the load this long first, uncounted: the pool fills and the client's code paths warm up. */
  readonly warmupMs: number;
}

/** A uniform random number in [0, 1): Math.random in use, a seeded generator in tests. */
export type Random = () => number;

/** A small seeded generator (mulberry32), so that tests see the same stream every run. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An exponentially distributed value with this mean: the gaps of Poisson arrivals, or memoryless hold times. */
export function exponential(mean: number, random: Random): number {
  return -Math.log(1 - random()) * mean;
}

/** The gap before the next open-loop arrival, in ms. */
export function nextArrivalGapMs(ratePerSecond: number, random: Random): number {
  return exponential(1000 / ratePerSecond, random);
}

// An exponential hold is cut off here (e^-20 of requests, never in practice) so one draw cannot hit the
// statement timeout.
const LONGEST_HOLD_IN_MEANS = 20;

/** The statement one request runs. */
export function requestStatement(work: Work, random: Random): string {
  switch (work.kind) {
    case 'select-1':
      return 'SELECT 1';
    case 'query':
      return work.sql;
    case 'hold': {
      const ms =
        work.distribution === 'fixed'
          ? work.holdMs
          : Math.min(exponential(work.holdMs, random), work.holdMs * LONGEST_HOLD_IN_MEANS);
      // Reading a row of a catalog makes the backend report its statistics as it goes (PostgreSQL 15+
      // flushes them only after a transaction that touched a table), so that pg_stat_database, and with
      // it monitor and recommend --measure, sees this load while it runs.
      return `SELECT pg_sleep(${(ms / 1000).toFixed(6)}) FROM pg_catalog.pg_class LIMIT 1`;
    }
  }
}

/** The longest one request may run on the server, for the sessions' statement_timeout. */
export function statementTimeoutFor(work: Work): number {
  const floor = BENCH_RUN.statementTimeoutFloorMs;
  return work.kind === 'hold'
    ? Math.max(floor, Math.ceil(work.holdMs * (work.distribution === 'exp' ? LONGEST_HOLD_IN_MEANS : 1) * 2))
    : floor;
}

export function describeLoad(load: Load): string {
  const who =
    load.arrivals.kind === 'closed'
      ? `${load.arrivals.clients} client${load.arrivals.clients === 1 ? '' : 's'} in a closed loop`
      : `${load.arrivals.ratePerSecond} requests/s, Poisson arrivals`;
  const what =
    load.work.kind === 'select-1'
      ? 'SELECT 1'
      : load.work.kind === 'query'
        ? 'the given query'
        : `holding the connection ${load.work.holdMs}ms (${load.work.distribution === 'exp' ? 'exponential' : 'fixed'})`;
  return `${who}, each ${what}`;
}
