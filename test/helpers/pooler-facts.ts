import type {
  PoolerConfig,
  PoolerDatabase,
  PoolerFacts,
  PoolerPool,
  PoolerStats,
  PoolerUser,
} from '../../src/core/pooler/facts.js';

/** PgBouncer's defaults (1.18), except the pool mode: transaction, as the test harness runs it. */
export function poolerConfig(overrides: Partial<PoolerConfig> = {}): PoolerConfig {
  return {
    poolMode: 'transaction',
    maxClientConn: 100,
    defaultPoolSize: 20,
    minPoolSize: 0,
    reservePoolSize: 0,
    reservePoolTimeoutMs: 5000,
    maxDbConnections: 0,
    maxUserConnections: 0,
    serverLifetimeMs: 3_600_000,
    serverIdleTimeoutMs: 600_000,
    serverConnectTimeoutMs: 15_000,
    queryTimeoutMs: 0,
    queryWaitTimeoutMs: 120_000,
    clientIdleTimeoutMs: 0,
    idleTransactionTimeoutMs: 0,
    transactionTimeoutMs: null,
    serverResetQuery: 'DISCARD ALL',
    serverResetQueryAlways: false,
    ignoreStartupParameters: [],
    maxPreparedStatements: null,
    statsUsers: ['stats'],
    adminUsers: [],
    raw: new Map(),
    ...overrides,
  };
}

/** A [databases] entry pointing at the test server's database of the same name. */
export function poolerDatabase(name: string, overrides: Partial<PoolerDatabase> = {}): PoolerDatabase {
  return {
    name,
    host: '127.0.0.1',
    port: 5432,
    database: name,
    forceUser: null,
    poolSize: 20,
    minPoolSize: 0,
    reservePoolSize: 0,
    poolMode: null,
    maxConnections: 0,
    currentConnections: 0,
    serverLifetimeMs: null,
    paused: false,
    disabled: false,
    ...overrides,
  };
}

/** A (database, user) pool with nothing queued and nothing open. */
export function poolerPool(database: string, user: string, overrides: Partial<PoolerPool> = {}): PoolerPool {
  return {
    database,
    user,
    clientsActive: 0,
    clientsWaiting: 0,
    serversActive: 0,
    serversIdle: 0,
    serversUsed: 0,
    serversTested: 0,
    serversLogin: 0,
    maxWaitMs: 0,
    poolMode: 'transaction',
    ...overrides,
  };
}

export function poolerUser(name: string, overrides: Partial<PoolerUser> = {}): PoolerUser {
  return {
    name,
    poolSize: null,
    reservePoolSize: null,
    poolMode: null,
    maxUserConnections: null,
    ...overrides,
  };
}

/** SHOW STATS for a database entry; avg_wait_time in 1.18's meaning unless told otherwise. */
export function poolerStats(database: string, overrides: Partial<PoolerStats> = {}): PoolerStats {
  return {
    database,
    totalXactCount: 0,
    totalQueryCount: 0,
    totalXactTimeMs: 0,
    totalQueryTimeMs: 0,
    totalWaitTimeMs: 0,
    totalServerAssignmentCount: null,
    avgWaitTimeMs: 0,
    avgWaitTimeMeaning: 'per-second',
    ...overrides,
  };
}

/** "1.24.1" → 12401 */
const versionNumOf = (version: string) => {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major * 10000 + minor * 100 + patch;
};

/**
 * What a PgBouncer admin console says (1.18 unless `version` says), with overrides. Without databases or
 * pools: one entry `appdb` and its pool for user `app`, both idle. The pool sizes of the default database
 * follow config.defaultPoolSize.
 */
export function poolerFacts(
  overrides: {
    version?: string;
    config?: Partial<PoolerConfig>;
    databases?: readonly PoolerDatabase[];
    users?: readonly PoolerUser[];
    pools?: readonly PoolerPool[];
    stats?: readonly PoolerStats[];
  } = {},
): PoolerFacts {
  const version = overrides.version ?? '1.18.0';
  const config = poolerConfig(overrides.config);
  const databases = overrides.databases ?? [poolerDatabase('appdb', { poolSize: config.defaultPoolSize })];
  const pools = overrides.pools ?? [poolerPool('appdb', 'app', { poolMode: config.poolMode })];
  const users = overrides.users ?? [];
  return {
    product: 'pgbouncer',
    version,
    versionNum: versionNumOf(version),
    console: 'stats@127.0.0.1:6432',
    config,
    databases,
    users,
    pools,
    stats: overrides.stats ?? databases.map((d) => poolerStats(d.name)),
    lists: {
      databases: databases.length,
      users: users.length,
      pools: pools.length,
      freeClients: 0,
      usedClients: pools.reduce((n, p) => n + p.clientsActive + p.clientsWaiting, 0),
      loginClients: 0,
      freeServers: 0,
      usedServers: pools.reduce((n, p) => n + p.serversActive + p.serversIdle + p.serversUsed, 0),
    },
  };
}
