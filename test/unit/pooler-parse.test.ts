import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT_CODE } from '../../src/core/exit-codes.js';
import { effectivePoolMode } from '../../src/core/pooler/facts.js';
import {
  type ConsoleRow,
  type ConsoleRows,
  PoolerConsoleError,
  looksLikeConsole,
  parseConfig,
  parseVersion,
  poolerFactsFrom,
} from '../../src/core/pooler/parse.js';

// Row shapes as node-postgres returns them from each release's console (column lists from PgBouncer's
// admin.c and stats.c at each tag): int4 columns as numbers, NUMERIC stats and USERS' overrides as text.

/** The keys the read needs, as SHOW CONFIG prints them: all text, times in seconds. */
const CONFIG_1_18: Record<string, string | null> = {
  admin_users: 'postgres',
  auth_user: null,
  client_idle_timeout: '0',
  default_pool_size: '7',
  idle_transaction_timeout: '0',
  ignore_startup_parameters: 'extra_float_digits, options',
  max_client_conn: '33',
  max_db_connections: '0',
  max_user_connections: '0',
  min_pool_size: '0',
  pool_mode: 'transaction',
  query_timeout: '0',
  query_wait_timeout: '120',
  reserve_pool_size: '2',
  reserve_pool_timeout: '5',
  server_connect_timeout: '15',
  server_idle_timeout: '42',
  server_lifetime: '3600',
  server_reset_query: 'DISCARD ALL',
  server_reset_query_always: '0',
  stats_users: 'postgres, monitor',
  unix_socket_mode: '511',
};

const configRows = (values: Record<string, string | null>): ConsoleRow[] =>
  Object.entries(values).map(([key, value]) => ({ key, value, default: value, changeable: 'yes' }));

const LISTS_1_18 = ['databases', 'users', 'pools', 'free_clients', 'used_clients', 'login_clients']
  .concat(['free_servers', 'used_servers', 'dns_names', 'dns_zones', 'dns_queries', 'dns_pending'])
  .map((list, i) => ({ list, items: i + 1 }));

const consolePool = {
  database: 'pgbouncer',
  user: 'pgbouncer',
  cl_active: 1,
  cl_waiting: 0,
  cl_active_cancel_req: 0,
  cl_waiting_cancel_req: 0,
  sv_active: 0,
  sv_active_cancel: 0,
  sv_being_canceled: 0,
  sv_idle: 0,
  sv_used: 0,
  sv_tested: 0,
  sv_login: 0,
  maxwait: 0,
  maxwait_us: 0,
  pool_mode: 'statement',
};

const appPool = {
  ...consolePool,
  database: 'appdb',
  user: 'app',
  cl_active: 1,
  cl_waiting: 3,
  sv_active: 1,
  sv_idle: 0,
  sv_used: 2,
  sv_tested: 0,
  sv_login: 1,
  maxwait: 2,
  maxwait_us: 345_678,
  pool_mode: 'transaction',
};

const ROWS_1_18: ConsoleRows = {
  version: [{ version: 'PgBouncer 1.18.0' }],
  config: configRows(CONFIG_1_18),
  databases: [
    {
      name: 'appdb',
      host: '127.0.0.1',
      port: 5432,
      database: 'app',
      force_user: null,
      pool_size: 7,
      min_pool_size: 0,
      reserve_pool: 2,
      pool_mode: null,
      max_connections: 0,
      current_connections: 1,
      paused: 0,
      disabled: 0,
    },
    {
      name: 'pgbouncer',
      host: null,
      port: 6432,
      database: 'pgbouncer',
      force_user: 'pgbouncer',
      pool_size: 2,
      min_pool_size: 0,
      reserve_pool: 0,
      pool_mode: 'statement',
      max_connections: 0,
      current_connections: 0,
      paused: 0,
      disabled: 0,
    },
  ],
  users: [
    { name: 'app', pool_mode: 'session' },
    { name: 'pgbouncer', pool_mode: null },
  ],
  pools: [consolePool, appPool],
  stats: [
    {
      database: 'appdb',
      total_xact_count: '10',
      total_query_count: '12',
      total_received: '100',
      total_sent: '200',
      total_xact_time: '5500',
      total_query_time: '4000',
      total_wait_time: '2500',
      avg_xact_count: '1',
      avg_query_count: '1',
      avg_recv: '10',
      avg_sent: '20',
      avg_xact_time: '550',
      avg_query_time: '333',
      avg_wait_time: '1500',
    },
    {
      database: 'pgbouncer',
      total_xact_count: '2',
      total_query_count: '2',
      total_received: '0',
      total_sent: '0',
      total_xact_time: '0',
      total_query_time: '0',
      total_wait_time: '0',
      avg_xact_count: '0',
      avg_query_count: '0',
      avg_recv: '0',
      avg_sent: '0',
      avg_xact_time: '0',
      avg_query_time: '0',
      avg_wait_time: '0',
    },
  ],
  lists: LISTS_1_18,
};

const ROWS_1_23: ConsoleRows = {
  ...ROWS_1_18,
  version: [{ version: 'PgBouncer 1.23.1' }],
  config: configRows({ ...CONFIG_1_18, max_prepared_statements: '0' }),
  databases: [
    {
      name: 'appdb',
      host: '127.0.0.1',
      port: 5432,
      database: 'app',
      force_user: '',
      pool_size: 7,
      min_pool_size: 1,
      reserve_pool: 3,
      server_lifetime: 1800,
      pool_mode: 'session',
      max_connections: 40,
      current_connections: 2,
      paused: 1,
      disabled: 0,
    },
  ],
  users: [
    { name: 'app', pool_size: '        5', pool_mode: null, max_user_connections: 0, current_connections: 1 },
    {
      name: 'other',
      pool_size: '',
      pool_mode: 'transaction',
      max_user_connections: 9,
      current_connections: 0,
    },
  ],
  stats: [
    {
      database: 'appdb',
      total_server_assignment_count: '8',
      total_xact_count: '10',
      total_query_count: '12',
      total_received: '100',
      total_sent: '200',
      total_xact_time: '5500',
      total_query_time: '4000',
      total_wait_time: '2500',
      avg_server_assignment_count: '1',
      avg_xact_count: '1',
      avg_query_count: '1',
      avg_recv: '10',
      avg_sent: '20',
      avg_xact_time: '550',
      avg_query_time: '333',
      avg_wait_time: '312.5',
    },
  ],
  lists: [...LISTS_1_18, { list: 'peers', items: 0 }, { list: 'peer_pools', items: 0 }],
};

const ROWS_1_25: ConsoleRows = {
  ...ROWS_1_23,
  version: [{ version: 'PgBouncer 1.25.2' }],
  config: configRows({ ...CONFIG_1_18, max_prepared_statements: '200', transaction_timeout: '0.5' }),
  databases: [
    {
      name: 'appdb',
      host: '/var/run/postgresql',
      port: 5432,
      database: 'app',
      force_user: 'svc',
      pool_size: 7,
      min_pool_size: 0,
      reserve_pool_size: 4,
      server_lifetime: 3600,
      pool_mode: 'transaction',
      load_balance_hosts: 'round-robin',
      max_connections: 0,
      current_connections: 0,
      max_client_connections: 0,
      current_client_connections: 0,
      paused: 0,
      disabled: 1,
    },
  ],
  users: [
    {
      name: 'app',
      pool_size: '       12',
      reserve_pool_size: '        1',
      pool_mode: 'session',
      max_user_connections: 0,
      current_connections: 0,
      max_user_client_connections: 0,
      current_client_connections: 0,
    },
  ],
  pools: [{ ...appPool, load_balance_hosts: null }],
  stats: [
    {
      ...(ROWS_1_23.stats[0] as ConsoleRow),
      total_client_parse_count: '0',
      total_server_parse_count: '0',
      total_bind_count: '0',
      avg_client_parse_count: '0',
      avg_server_parse_count: '0',
      avg_bind_count: '0',
    },
  ],
};

const CONSOLE = 'monitor@127.0.0.1:6432';

/** Asserts a PoolerConsoleError (exit 3) whose message matches. */
function rejectsWith(work: () => unknown, message: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof PoolerConsoleError, String(error));
    assert.equal(error.exitCode, EXIT_CODE.unreachable);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /NaN|undefined/);
    return true;
  });
}

describe('PgBouncer console rows → pooler facts', () => {
  it('reads a 1.18 console: times in ms, lists as arrays, the console itself left out', () => {
    const facts = poolerFactsFrom(ROWS_1_18, CONSOLE);
    assert.equal(facts.product, 'pgbouncer');
    assert.equal(facts.version, '1.18.0');
    assert.equal(facts.versionNum, 11800);
    assert.equal(facts.console, CONSOLE);

    const { config } = facts;
    assert.equal(config.poolMode, 'transaction');
    assert.equal(config.defaultPoolSize, 7);
    assert.equal(config.maxClientConn, 33);
    assert.equal(config.reservePoolSize, 2);
    assert.equal(config.reservePoolTimeoutMs, 5000);
    assert.equal(config.serverIdleTimeoutMs, 42_000);
    assert.equal(config.serverLifetimeMs, 3_600_000);
    assert.equal(config.queryTimeoutMs, 0);
    assert.equal(config.queryWaitTimeoutMs, 120_000);
    assert.equal(config.transactionTimeoutMs, null);
    assert.equal(config.maxPreparedStatements, null);
    assert.equal(config.serverResetQuery, 'DISCARD ALL');
    assert.equal(config.serverResetQueryAlways, false);
    assert.deepEqual(config.ignoreStartupParameters, ['extra_float_digits', 'options']);
    assert.deepEqual(config.statsUsers, ['postgres', 'monitor']);
    assert.deepEqual(config.adminUsers, ['postgres']);
    assert.equal(config.raw.get('unix_socket_mode'), '511');
    assert.equal(config.raw.get('auth_user'), '');

    assert.deepEqual(facts.databases, [
      {
        name: 'appdb',
        host: '127.0.0.1',
        port: 5432,
        database: 'app',
        forceUser: null,
        poolSize: 7,
        minPoolSize: 0,
        reservePoolSize: 2,
        poolMode: null,
        maxConnections: 0,
        currentConnections: 1,
        serverLifetimeMs: null,
        paused: false,
        disabled: false,
      },
    ]);
    assert.deepEqual(facts.users, [
      { name: 'app', poolSize: null, reservePoolSize: null, poolMode: 'session', maxUserConnections: null },
    ]);
    assert.deepEqual(facts.pools, [
      {
        database: 'appdb',
        user: 'app',
        clientsActive: 1,
        clientsWaiting: 3,
        serversActive: 1,
        serversIdle: 0,
        serversUsed: 2,
        serversTested: 0,
        serversLogin: 1,
        maxWaitMs: 2345.678,
        poolMode: 'transaction',
      },
    ]);
    assert.deepEqual(facts.stats, [
      {
        database: 'appdb',
        totalXactCount: 10,
        totalQueryCount: 12,
        totalXactTimeMs: 5.5,
        totalQueryTimeMs: 4,
        totalWaitTimeMs: 2.5,
        totalServerAssignmentCount: null,
        avgWaitTimeMs: 1.5,
        avgWaitTimeMeaning: 'per-second',
      },
    ]);
    assert.deepEqual(facts.lists, {
      databases: 1,
      users: 2,
      pools: 3,
      freeClients: 4,
      usedClients: 5,
      loginClients: 6,
      freeServers: 7,
      usedServers: 8,
    });
    assert.equal(effectivePoolMode(facts, 'appdb', 'app'), 'session');
    assert.equal(effectivePoolMode(facts, 'appdb', 'someone'), 'transaction');
  });

  it('reads 1.23: server_lifetime per database, user pool sizes, assignments, avg_wait_time per assignment', () => {
    const facts = poolerFactsFrom(ROWS_1_23, CONSOLE);
    assert.equal(facts.versionNum, 12301);
    assert.equal(facts.config.maxPreparedStatements, 0);
    const [db] = facts.databases;
    assert.equal(db?.serverLifetimeMs, 1_800_000);
    assert.equal(db?.reservePoolSize, 3);
    assert.equal(db?.forceUser, null);
    assert.equal(db?.poolMode, 'session');
    assert.equal(db?.paused, true);
    assert.deepEqual(facts.users, [
      { name: 'app', poolSize: 5, reservePoolSize: null, poolMode: null, maxUserConnections: 0 },
      {
        name: 'other',
        poolSize: null,
        reservePoolSize: null,
        poolMode: 'transaction',
        maxUserConnections: 9,
      },
    ]);
    const [stats] = facts.stats;
    assert.equal(stats?.totalServerAssignmentCount, 8);
    assert.equal(stats?.avgWaitTimeMs, 0.3125);
    assert.equal(stats?.avgWaitTimeMeaning, 'per-assignment');
    assert.equal(effectivePoolMode(facts, 'appdb', 'app'), 'session');
  });

  it('reads 1.24/1.25: reserve_pool_size renamed, per-user reserve, transaction_timeout, new columns ignored', () => {
    const facts = poolerFactsFrom(ROWS_1_25, CONSOLE);
    assert.equal(facts.version, '1.25.2');
    assert.equal(facts.versionNum, 12502);
    assert.equal(facts.config.maxPreparedStatements, 200);
    assert.equal(facts.config.transactionTimeoutMs, 500);
    const [db] = facts.databases;
    assert.equal(db?.reservePoolSize, 4);
    assert.equal(db?.forceUser, 'svc');
    assert.equal(db?.host, '/var/run/postgresql');
    assert.equal(db?.disabled, true);
    assert.deepEqual(facts.users, [
      { name: 'app', poolSize: 12, reservePoolSize: 1, poolMode: 'session', maxUserConnections: 0 },
    ]);
    assert.equal(facts.pools[0]?.maxWaitMs, 2345.678);
    assert.equal(facts.stats[0]?.totalServerAssignmentCount, 8);
  });

  it('reads no leftover override where 1.23–1.25 repeat the previous user’s (a PgBouncer 1.25.2 console)', () => {
    // [users] app = pool_size=5 pool_mode=session, bob = max_user_connections=3, carol = reserve_pool_size=2
    const user = (name: string, pool_size: string, reserve_pool_size: string, extra: ConsoleRow = {}) => ({
      name,
      pool_size,
      reserve_pool_size,
      pool_mode: null,
      max_user_connections: 0,
      current_connections: 0,
      max_user_client_connections: 0,
      current_client_connections: 0,
      ...extra,
    });
    const users = [
      user('app', '        5', '', { pool_mode: 'session' }),
      user('bob', '        5', '', { max_user_connections: 3 }),
      user('carol', '        5', '        2'),
      user('pgbouncer', '        5', '        2'),
      user('postgres', '        5', '        2'),
    ];
    const sizes = (version: string) =>
      poolerFactsFrom({ ...ROWS_1_25, version: [{ version }], users }, CONSOLE).users.map((u) => [
        u.name,
        u.poolSize,
        u.reservePoolSize,
      ]);
    assert.deepEqual(sizes('PgBouncer 1.25.2'), [
      ['app', 5, null],
      ['bob', null, null],
      ['carol', null, 2],
      ['postgres', null, null],
    ]);
    // Fixed in 1.26: every value is the user's own.
    assert.deepEqual(sizes('PgBouncer 1.26.0'), [
      ['app', 5, null],
      ['bob', 5, null],
      ['carol', 5, 2],
      ['postgres', 5, 2],
    ]);
  });

  it('reads fractional seconds to the µs PgBouncer keeps', () => {
    const config = parseConfig(
      configRows({ ...CONFIG_1_18, query_timeout: '0.3', reserve_pool_timeout: '2.5' }),
    );
    assert.equal(config.queryTimeoutMs, 300);
    assert.equal(config.reservePoolTimeoutMs, 2500);
  });

  it('takes a pool without a pool_mode for the global mode, and an empty list for none', () => {
    const facts = poolerFactsFrom(
      {
        ...ROWS_1_18,
        config: configRows({ ...CONFIG_1_18, ignore_startup_parameters: '', stats_users: ' , ' }),
        pools: [{ ...appPool, pool_mode: null }],
      },
      CONSOLE,
    );
    assert.equal(facts.pools[0]?.poolMode, 'transaction');
    assert.deepEqual(facts.config.ignoreStartupParameters, []);
    assert.deepEqual(facts.config.statsUsers, []);
  });
});

describe('a console answer pooltune cannot read', () => {
  it('names the command, column and row of a malformed number instead of returning NaN', () => {
    const stats = [{ ...(ROWS_1_18.stats[0] as ConsoleRow), total_wait_time: 'lots' }];
    rejectsWith(
      () => poolerFactsFrom({ ...ROWS_1_18, stats }, CONSOLE),
      /^SHOW STATS: total_wait_time of appdb is "lots", not a whole number$/,
    );
    rejectsWith(
      () => poolerFactsFrom({ ...ROWS_1_18, pools: [{ ...appPool, cl_waiting: -1 }] }, CONSOLE),
      /SHOW POOLS: cl_waiting of appdb\/app is -1/,
    );
    rejectsWith(
      () => parseConfig(configRows({ ...CONFIG_1_18, server_idle_timeout: '10min' })),
      /SHOW CONFIG: server_idle_timeout is "10min", not a number of seconds/,
    );
    rejectsWith(
      () => parseConfig(configRows({ ...CONFIG_1_18, max_client_conn: '' })),
      /max_client_conn is "", not a whole number/,
    );
    rejectsWith(
      () =>
        poolerFactsFrom({ ...ROWS_1_23, users: [{ name: 'app', pool_size: 'x', pool_mode: null }] }, CONSOLE),
      /SHOW USERS: pool_size of app is "x"/,
    );
  });

  it('says which key, column or row is missing', () => {
    const withoutKey = { ...CONFIG_1_18 };
    delete withoutKey.query_wait_timeout;
    rejectsWith(() => parseConfig(configRows(withoutKey)), /^SHOW CONFIG has no key query_wait_timeout$/);
    const withoutColumn: Record<string, unknown> = { ...appPool };
    delete withoutColumn.cl_waiting;
    rejectsWith(
      () => poolerFactsFrom({ ...ROWS_1_18, pools: [withoutColumn] }, CONSOLE),
      /^SHOW POOLS has no column cl_waiting$/,
    );
    rejectsWith(
      () => poolerFactsFrom({ ...ROWS_1_18, lists: LISTS_1_18.slice(1) }, CONSOLE),
      /^SHOW LISTS has no row databases$/,
    );
    rejectsWith(() => poolerFactsFrom({ ...ROWS_1_18, version: [] }, CONSOLE), /^SHOW VERSION has no row$/);
  });

  it('refuses an unknown pool mode and a version that is not PgBouncer', () => {
    rejectsWith(
      () => parseConfig(configRows({ ...CONFIG_1_18, pool_mode: 'bogus' })),
      /pool_mode is "bogus", not one of session, transaction, statement/,
    );
    rejectsWith(() => parseVersion('PostgreSQL 15.18'), /SHOW VERSION: the version is "PostgreSQL 15.18"/);
  });
});

describe('PgBouncer versions and login', () => {
  it('turns SHOW VERSION into a version and a number to compare', () => {
    assert.deepEqual(parseVersion('PgBouncer 1.18.0'), { version: '1.18.0', versionNum: 11800 });
    assert.deepEqual(parseVersion('PgBouncer 1.25.2'), { version: '1.25.2', versionNum: 12502 });
    assert.deepEqual(parseVersion('PgBouncer 1.26'), { version: '1.26.0', versionNum: 12600 });
  });

  it("tells PgBouncer's console by the server_version it announces at login", () => {
    assert.equal(looksLikeConsole('1.18.0/bouncer'), true);
    assert.equal(looksLikeConsole('1.25.2/bouncer'), true);
    assert.equal(looksLikeConsole('15.18'), false);
    assert.equal(looksLikeConsole('15.18 (Debian 15.18-1.pgdg120+1)'), false);
    assert.equal(looksLikeConsole(undefined), false);
  });
});
