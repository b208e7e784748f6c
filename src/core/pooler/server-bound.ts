/**
 * The most server connections one PgBouncer process may open: Σ over its pools of (pool size + reserve),
 * then capped per database entry by max_db_connections and per user by max_user_connections. PgBouncer has
 * no global cap, and processes that do not coordinate each open their own.
 */
import type { PoolerDatabase, PoolerFacts, PoolerUser } from './facts.js';

/** One (database entry, user) pool and what it may open. */
export interface PoolBound {
  readonly database: string;
  readonly user: string;
  /** Effective pool_size: the user's, else the database entry's (SHOW DATABASES prints the effective one). */
  readonly poolSize: number;
  readonly reservePoolSize: number;
  /** pool_size 0 means "no cap" from 1.24 on: only max_db_connections / max_user_connections bound it. */
  readonly unbounded: boolean;
}

/** The per-process bound with the steps that led to it, for a finding to show its arithmetic. */
export interface ServerBound {
  readonly pools: readonly PoolBound[];
  /** Σ (pool_size + reserve) over the pools, before the caps; Infinity when a pool has no cap. */
  readonly uncapped: number;
  /** After max_db_connections per database entry and max_user_connections per user (each the tighter). */
  readonly perProcess: number;
  /** The caps that took something off, e.g. "max_db_connections 20 on orders". */
  readonly capsApplied: readonly string[];
}

/** 1.24 made pool_size 0 mean "no cap". */
const NO_CAP_FROM = 12400;

const poolKey = (database: string, user: string) => `${database}\u0000${user}`;

/** The pools a process serves: every pair SHOW POOLS lists, and each database entry with a forced user. */
export function poolsOf(
  facts: Pick<PoolerFacts, 'config' | 'databases' | 'users' | 'pools' | 'versionNum'>,
): PoolBound[] {
  const pairs = new Map<string, { database: string; user: string }>();
  for (const p of facts.pools) pairs.set(poolKey(p.database, p.user), { database: p.database, user: p.user });
  for (const d of facts.databases) {
    if (d.forceUser !== null)
      pairs.set(poolKey(d.name, d.forceUser), { database: d.name, user: d.forceUser });
  }
  return [...pairs.values()].map(({ database, user }) => {
    const d = facts.databases.find((x) => x.name === database);
    const u = facts.users.find((x) => x.name === user);
    const poolSize = u?.poolSize ?? d?.poolSize ?? facts.config.defaultPoolSize;
    const reservePoolSize = u?.reservePoolSize ?? d?.reservePoolSize ?? facts.config.reservePoolSize;
    return {
      database,
      user,
      poolSize,
      reservePoolSize,
      unbounded: poolSize === 0 && facts.versionNum >= NO_CAP_FROM,
    };
  });
}

const databaseCap = (d: PoolerDatabase | undefined, global: number) =>
  d !== undefined && d.maxConnections > 0 ? d.maxConnections : global > 0 ? global : Infinity;

const userCap = (u: PoolerUser | undefined, global: number) =>
  u?.maxUserConnections !== null && u?.maxUserConnections !== undefined && u.maxUserConnections > 0
    ? u.maxUserConnections
    : global > 0
      ? global
      : Infinity;

/** What the pools of one group (a database entry, or a user) may open under the group's cap. */
function capped(
  pools: readonly PoolBound[],
  groupOf: (p: PoolBound) => string,
  capOf: (group: string) => number,
  label: string,
  applied: string[],
): number {
  const sums = new Map<string, number>();
  for (const p of pools) {
    const wanted = p.unbounded ? Infinity : p.poolSize + p.reservePoolSize;
    sums.set(groupOf(p), (sums.get(groupOf(p)) ?? 0) + wanted);
  }
  let total = 0;
  for (const [group, sum] of sums) {
    const cap = capOf(group);
    if (cap < sum) applied.push(`${label} ${cap} on ${group}`);
    total += Math.min(sum, cap);
  }
  return total;
}

/**
 * The bound for one process. With both caps it takes the tighter of "per database" and "per user", an upper
 * bound that is exact whenever one kind of cap is set (the usual case).
 */
export function serverBound(facts: PoolerFacts): ServerBound {
  const pools = poolsOf(facts);
  const uncapped = pools.reduce((n, p) => n + (p.unbounded ? Infinity : p.poolSize + p.reservePoolSize), 0);
  const byDatabase: string[] = [];
  const byUser: string[] = [];
  const perDatabase = capped(
    pools,
    (p) => p.database,
    (name) =>
      databaseCap(
        facts.databases.find((d) => d.name === name),
        facts.config.maxDbConnections,
      ),
    'max_db_connections',
    byDatabase,
  );
  const perUser = capped(
    pools,
    (p) => p.user,
    (name) =>
      userCap(
        facts.users.find((u) => u.name === name),
        facts.config.maxUserConnections,
      ),
    'max_user_connections',
    byUser,
  );
  const perProcess = Math.min(perDatabase, perUser);
  const capsApplied = perProcess === uncapped ? [] : perDatabase <= perUser ? byDatabase : byUser;
  return { pools, uncapped, perProcess, capsApplied };
}

/** "orders/app 20 + 0" for each pool, the arithmetic a finding shows. */
export function poolTerms(pools: readonly PoolBound[]): string {
  return pools
    .map((p) =>
      p.unbounded
        ? `${p.database}/${p.user} no cap (pool_size 0)`
        : `${p.database}/${p.user} ${p.poolSize} + ${p.reservePoolSize}`,
    )
    .join(', ');
}

/** Server connections PgBouncer holds now, over its pools (active, idle, used, tested, logging in). */
export function serversNow(facts: Pick<PoolerFacts, 'pools'>): number {
  return facts.pools.reduce(
    (n, p) => n + p.serversActive + p.serversIdle + p.serversUsed + p.serversTested + p.serversLogin,
    0,
  );
}
