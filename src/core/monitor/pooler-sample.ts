/**
 * The pooler's part of a monitor sample: what PgBouncer's admin console said at the reading (its queue and
 * its server connections, over every pool it lists) and what its totals say of the time since the reading
 * before. Every pool counts, the one pooltune's own session goes through included (a queue anywhere behind
 * the pooler is one the run should show); only pooltune's own use of it is taken out.
 */
import type { PoolerFacts } from '../pooler/facts.js';
import { poolsOf } from '../pooler/server-bound.js';
import { poolerWindow, type PoolerWindow } from '../pooler/window.js';

/** One read of the admin console during a run, or why there was none. */
export type PoolerReading =
  | {
      /** performance.now() when the console answered, for the window's length. */
      readonly at: number;
      readonly facts: PoolerFacts;
    }
  | {
      readonly at: number;
      /** Why the console did not answer: it went away, or the login to it failed again. */
      readonly lost: string;
    };

/** The console's totals between this reading and the last one it answered. */
export interface PoolerSampleWindow {
  readonly windowMs: number;
  /** Transactions PgBouncer served over every database entry. */
  readonly transactions: number;
  readonly transactionsPerSecond: number;
  /** Time clients waited for a server connection, summed; a wait counts when it ends in an assignment. */
  readonly waitMs: number;
  /** Server connections handed to clients (PgBouncer 1.23+), else null: checkouts are then transactions. */
  readonly assignments: number | null;
  /** waitMs per checkout (assignment, else transaction); null with none. */
  readonly waitPerCheckoutMs: number | null;
}

/** The pooler at one reading: its queue, its server connections and how full its pools are. */
export interface PoolerSampleRead {
  readonly status: 'read';
  /** Σ cl_waiting: clients that sent a query and have no server connection yet. */
  readonly clientsWaiting: number;
  /** The longest any waiting client had waited (max maxwait + maxwait_us), in ms; 0 with none waiting. */
  readonly maxWaitMs: number;
  readonly servers: {
    readonly active: number;
    readonly idle: number;
    readonly used: number;
    readonly login: number;
  };
  /** Σ effective pool_size over the pools; null when one has no cap (pool_size 0, 1.24+). */
  readonly poolSize: number | null;
  /** (sv_active + sv_login) ÷ poolSize, in whole percent; null without a poolSize. */
  readonly poolUsePercent: number | null;
  /**
   * The pool closest to its size, "database/user" and its use in whole percent: a queue forms in a full pool
   * while the others sit idle, which the sum over every pool hides. null without a capped pool.
   */
  readonly fullestPool: { readonly pool: string; readonly percent: number } | null;
  /** null when there was no earlier answer to compare with. */
  readonly window: PoolerSampleWindow | null;
}

export interface PoolerSampleLost {
  readonly status: 'lost';
  readonly reason: string;
}

export type PoolerSample = PoolerSampleRead | PoolerSampleLost;

const sum = (values: readonly number[]) => values.reduce((n, v) => n + v, 0);
const round1 = (v: number) => Math.round(v * 10) / 10;

/** A (database entry, user) pool. */
export interface PoolKey {
  readonly database: string;
  readonly user: string;
}

/** The pool a session logged in as `user` to PgBouncer's `database` entry goes through (a forced user wins). */
export function poolOf(facts: PoolerFacts, database: string, user: string): PoolKey {
  const entry = facts.databases.find((d) => d.name === database);
  return { database, user: entry?.forceUser ?? user };
}

/**
 * The pools' queue and servers, with their use of the pool sizes, from one console read. `heldBy` is the
 * pool where pooltune's own session holds a server connection throughout (session mode): not counted.
 */
export function poolerNow(facts: PoolerFacts, heldBy?: PoolKey): Omit<PoolerSampleRead, 'window'> {
  const pools = facts.pools.map((p) =>
    heldBy && p.database === heldBy.database && p.user === heldBy.user && p.serversActive > 0
      ? { ...p, serversActive: p.serversActive - 1 }
      : p,
  );
  const servers = {
    active: sum(pools.map((p) => p.serversActive)),
    idle: sum(pools.map((p) => p.serversIdle)),
    used: sum(pools.map((p) => p.serversUsed)),
    login: sum(pools.map((p) => p.serversLogin)),
  };
  const bounds = poolsOf(facts);
  const poolSize = bounds.some((b) => b.unbounded) ? null : sum(bounds.map((b) => b.poolSize));
  const fullestPool = bounds
    .filter((b) => !b.unbounded && b.poolSize > 0)
    .map((b) => {
      const p = pools.find((x) => x.database === b.database && x.user === b.user);
      const busy = p ? p.serversActive + p.serversLogin : 0;
      return { pool: `${b.database}/${b.user}`, percent: Math.round((busy / b.poolSize) * 100) };
    })
    .reduce<{ pool: string; percent: number } | null>(
      (best, x) => (best === null || x.percent > best.percent ? x : best),
      null,
    );
  return {
    status: 'read',
    fullestPool,
    clientsWaiting: sum(pools.map((p) => p.clientsWaiting)),
    maxWaitMs: round1(pools.reduce((m, p) => Math.max(m, p.maxWaitMs), 0)),
    servers,
    poolSize,
    poolUsePercent:
      poolSize !== null && poolSize > 0
        ? Math.round(((servers.active + servers.login) / poolSize) * 100)
        : null,
  };
}

/** pooltune's own use of the pooler in a window, when its session goes through it. */
export interface OwnUse {
  readonly transactions: number;
  /** Server assignments: one per transaction in transaction mode, none in session mode (it keeps its server). */
  readonly assignments: number;
  /** In session mode, the pool where pooltune's session holds its server connection. */
  readonly holdsServerIn?: PoolKey;
}

export const NO_OWN_USE: OwnUse = { transactions: 0, assignments: 0 };

/** PgBouncer's totals over a window with pooltune's own transactions through it taken out. */
export function withoutOwnUse(window: PoolerWindow, own: OwnUse): PoolerWindow {
  const transactions = Math.max(0, window.transactions - own.transactions);
  const assignments = window.assignments === null ? null : Math.max(0, window.assignments - own.assignments);
  const checkouts = assignments ?? transactions;
  return {
    ...window,
    transactions,
    assignments,
    waitPerCheckoutMs: checkouts > 0 ? Math.round((window.waitMs / checkouts) * 1000) / 1000 : null,
  };
}

/**
 * The pooler's part of a sample from the reading `current`, with the window since `lastAnswered` (the
 * latest earlier reading the console answered; the baseline for the first sample). `own` is what pooltune's
 * own session sent through the pooler meanwhile, taken out of PgBouncer's totals.
 */
export function poolerSampleFrom(
  lastAnswered: Extract<PoolerReading, { facts: PoolerFacts }> | undefined,
  current: PoolerReading,
  own: OwnUse = NO_OWN_USE,
): PoolerSample {
  if ('lost' in current) return { status: 'lost', reason: current.lost };
  const windowMs = lastAnswered ? Math.round(current.at - lastAnswered.at) : 0;
  const window =
    lastAnswered && windowMs > 0 ? poolerWindow(lastAnswered.facts, current.facts, windowMs) : null;
  if (!window) return { ...poolerNow(current.facts, own.holdsServerIn), window: null };
  const others = withoutOwnUse(window, own);
  return {
    ...poolerNow(current.facts, own.holdsServerIn),
    window: {
      windowMs,
      transactions: others.transactions,
      transactionsPerSecond: round1(others.transactions / (windowMs / 1000)),
      waitMs: others.waitMs,
      assignments: others.assignments,
      waitPerCheckoutMs: others.waitPerCheckoutMs,
    },
  };
}
