/**
 * What pooltune reads from a pooler's admin console (PgBouncer's SHOW commands), typed and in the units the
 * checks use: times in ms, counts as numbers. The console's own rows (database `pgbouncer`) are left out.
 * Columns differ by version; a field the version lacks is null, never a guess.
 */

export const POOL_MODES = ['session', 'transaction', 'statement'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

/** SHOW CONFIG, the keys the checks judge. A time of 0 means "disabled", as in PgBouncer. */
export interface PoolerConfig {
  readonly poolMode: PoolMode;
  /** Client connections per PgBouncer process; admin console connections count too. */
  readonly maxClientConn: number;
  /** Server connections per (database, user) pool unless the database or user says otherwise; 0 = no cap (1.24+). */
  readonly defaultPoolSize: number;
  readonly minPoolSize: number;
  /** Extra server connections per pool once a client has waited reservePoolTimeoutMs. */
  readonly reservePoolSize: number;
  readonly reservePoolTimeoutMs: number;
  /** Server connections per database entry over all users; 0 = no cap. */
  readonly maxDbConnections: number;
  /** Server connections per user over all databases; 0 = no cap. */
  readonly maxUserConnections: number;
  /** Closes unused server connections older than this. */
  readonly serverLifetimeMs: number;
  /** Closes server connections idle for longer than this. */
  readonly serverIdleTimeoutMs: number;
  readonly serverConnectTimeoutMs: number;
  /** Cancels queries running longer than this. */
  readonly queryTimeoutMs: number;
  /** Drops a client that waited this long for a server connection. */
  readonly queryWaitTimeoutMs: number;
  readonly clientIdleTimeoutMs: number;
  readonly idleTransactionTimeoutMs: number;
  /** 1.25+; null before. */
  readonly transactionTimeoutMs: number | null;
  readonly serverResetQuery: string;
  readonly serverResetQueryAlways: boolean;
  /** Startup parameters PgBouncer accepts and drops without passing them on. */
  readonly ignoreStartupParameters: readonly string[];
  /** Protocol-level prepared statements kept per server connection (1.21+); null before 1.21 (none). */
  readonly maxPreparedStatements: number | null;
  readonly statsUsers: readonly string[];
  readonly adminUsers: readonly string[];
  /** Every key as SHOW CONFIG printed it, for what the typed fields leave out. */
  readonly raw: ReadonlyMap<string, string>;
}

/** One SHOW DATABASES row: a [databases] entry and where it points. */
export interface PoolerDatabase {
  readonly name: string;
  readonly host: string | null;
  readonly port: number | null;
  /** The server database it connects to. */
  readonly database: string;
  /** The user every pool of this entry logs in as (`user=` in the entry), or null. */
  readonly forceUser: string | null;
  /** The effective pool size of this entry's pools. */
  readonly poolSize: number;
  readonly minPoolSize: number;
  readonly reservePoolSize: number;
  /** null: the entry does not set one, the global pool_mode applies. */
  readonly poolMode: PoolMode | null;
  /** max_db_connections for this entry; 0 = no cap. */
  readonly maxConnections: number;
  readonly currentConnections: number;
  /** 1.23+; null before. */
  readonly serverLifetimeMs: number | null;
  readonly paused: boolean;
  readonly disabled: boolean;
}

/** One SHOW USERS row; overrides are null where the user does not set them (or the version has none). */
export interface PoolerUser {
  readonly name: string;
  readonly poolSize: number | null;
  readonly reservePoolSize: number | null;
  readonly poolMode: PoolMode | null;
  readonly maxUserConnections: number | null;
}

/** One SHOW POOLS row: a (database, user) pool now. */
export interface PoolerPool {
  readonly database: string;
  readonly user: string;
  /** Clients linked to a server connection, or idle with nothing queued. */
  readonly clientsActive: number;
  /** Clients that sent a query and have no server connection yet: queued in PgBouncer. */
  readonly clientsWaiting: number;
  readonly serversActive: number;
  readonly serversIdle: number;
  readonly serversUsed: number;
  readonly serversTested: number;
  readonly serversLogin: number;
  /** How long the oldest waiting client has waited, in ms (maxwait + maxwait_us). */
  readonly maxWaitMs: number;
  readonly poolMode: PoolMode;
}

/** One SHOW STATS row: totals since PgBouncer started, per database entry. Times in ms. */
export interface PoolerStats {
  readonly database: string;
  readonly totalXactCount: number;
  readonly totalQueryCount: number;
  /** Time in transactions, idle-in-transaction included. */
  readonly totalXactTimeMs: number;
  readonly totalQueryTimeMs: number;
  /** Time clients waited for a server connection; grows only when a wait ends in an assignment. */
  readonly totalWaitTimeMs: number;
  /** 1.23+; null before. */
  readonly totalServerAssignmentCount: number | null;
  /**
   * avg_wait_time as PgBouncer computed it over its last stats period, in ms, with what it means: up to
   * 1.22 the time waited per second of wall time, from 1.23 the wait per server assignment.
   */
  readonly avgWaitTimeMs: number;
  readonly avgWaitTimeMeaning: 'per-second' | 'per-assignment';
}

/** SHOW LISTS: counts of PgBouncer's internal lists. */
export interface PoolerLists {
  readonly databases: number;
  readonly users: number;
  readonly pools: number;
  readonly freeClients: number;
  readonly usedClients: number;
  readonly loginClients: number;
  readonly freeServers: number;
  readonly usedServers: number;
}

/** Everything read from one pooler's admin console in one pass. */
export interface PoolerFacts {
  readonly product: 'pgbouncer';
  /** "1.18.0" */
  readonly version: string;
  /** 1.18.0 → 11800, for comparisons. */
  readonly versionNum: number;
  /** The console's own user@host:port, never with a password. */
  readonly console: string;
  readonly config: PoolerConfig;
  readonly databases: readonly PoolerDatabase[];
  readonly users: readonly PoolerUser[];
  readonly pools: readonly PoolerPool[];
  readonly stats: readonly PoolerStats[];
  readonly lists: PoolerLists;
}

/** The pool mode a (database, user) pool runs in: the user's, else the database entry's, else the global one. */
export function effectivePoolMode(
  facts: Pick<PoolerFacts, 'config' | 'databases' | 'users'>,
  database: string,
  user: string,
): PoolMode {
  const u = facts.users.find((x) => x.name === user);
  const d = facts.databases.find((x) => x.name === database);
  return u?.poolMode ?? d?.poolMode ?? facts.config.poolMode;
}
