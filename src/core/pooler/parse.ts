/**
 * PgBouncer's admin console rows → PoolerFacts. Columns are found by name, never by position: releases add
 * columns in the middle (1.23 server_lifetime, server_assignment_count) and rename them (1.24 reserve_pool →
 * reserve_pool_size), so 1.18 to 1.25 all read the same way. A column the version lacks gives null where the
 * type allows it; a value that is there but malformed stops the read with a clear error rather than a NaN
 * that a check would then judge.
 */
import { EXIT_CODE } from '../exit-codes.js';
import { PooltuneError } from '../errors.js';
import {
  POOL_MODES,
  type PoolMode,
  type PoolerConfig,
  type PoolerDatabase,
  type PoolerFacts,
  type PoolerLists,
  type PoolerPool,
  type PoolerStats,
  type PoolerUser,
} from './facts.js';

/** One row as node-postgres returns it: text as strings, int4 as numbers, NUMERIC as strings, NULL as null. */
export type ConsoleRow = Readonly<Record<string, unknown>>;

/** What each SHOW command the read needs returned. */
export interface ConsoleRows {
  readonly version: readonly ConsoleRow[];
  readonly config: readonly ConsoleRow[];
  readonly databases: readonly ConsoleRow[];
  readonly users: readonly ConsoleRow[];
  readonly pools: readonly ConsoleRow[];
  readonly stats: readonly ConsoleRow[];
  readonly lists: readonly ConsoleRow[];
}

/** The console answered, but not in a shape pooltune can read: exit 3, like any target it cannot read. */
export class PoolerConsoleError extends PooltuneError {
  constructor(message: string, hints: readonly string[] = []) {
    super(message, EXIT_CODE.unreachable, hints);
  }
}

/** The console lists itself as a database and a user of this name; those rows are not the apps'. */
export const CONSOLE_DATABASE = 'pgbouncer';

/** PgBouncer announces itself at login with a server_version such as `1.18.0/bouncer`. */
export function looksLikeConsole(serverVersion: string | undefined): boolean {
  return serverVersion !== undefined && /\/bouncer$/.test(serverVersion.trim());
}

const UNREADABLE_HINT =
  'pooltune reads PgBouncer 1.18 and later; if this is a newer release, please report the output of this SHOW command';

function malformed(command: string, what: string, value: unknown, expected: string): PoolerConsoleError {
  return new PoolerConsoleError(`SHOW ${command}: ${what} is ${JSON.stringify(value)}, not ${expected}`, [
    UNREADABLE_HINT,
  ]);
}

function missing(command: string, what: string): PoolerConsoleError {
  return new PoolerConsoleError(`SHOW ${command} has no ${what}`, [UNREADABLE_HINT]);
}

/** One row of one command, read by column name, with the row named in errors. */
class Row {
  private readonly command: string;
  private readonly label: string;
  private readonly row: ConsoleRow;

  constructor(command: string, label: string, row: ConsoleRow) {
    this.command = command;
    this.label = label;
    this.row = row;
  }

  has(column: string): boolean {
    return Object.hasOwn(this.row, column);
  }

  private what(column: string): string {
    return this.label === '' ? column : `${column} of ${this.label}`;
  }

  private raw(column: string): unknown {
    if (!this.has(column)) throw missing(this.command, `column ${column}`);
    return this.row[column];
  }

  text(column: string): string | null {
    const value = this.raw(column);
    if (value === null) return null;
    if (typeof value !== 'string') throw malformed(this.command, this.what(column), value, 'text');
    return value;
  }

  /** A count: an int4 (a number) or a NUMERIC (a string) holding a whole number ≥ 0. */
  count(column: string): number {
    const value = this.number(column, 'a whole number');
    if (!Number.isInteger(value) || value < 0)
      throw malformed(this.command, this.what(column), this.row[column], 'a whole number');
    return value;
  }

  /** Like count, null when the value is NULL. */
  nullableCount(column: string): number | null {
    return this.raw(column) === null ? null : this.count(column);
  }

  /** Like count, null when the version has no such column. */
  countIfAny(column: string): number | null {
    return this.has(column) ? this.count(column) : null;
  }

  /** A NUMERIC or int4 ≥ 0 that may have a fraction (avg_* figures). */
  amount(column: string): number {
    const value = this.number(column, 'a number');
    if (value < 0) throw malformed(this.command, this.what(column), this.row[column], 'a number ≥ 0');
    return value;
  }

  /** PgBouncer's 0/1 integer flags. */
  flag(column: string): boolean {
    const value = this.count(column);
    if (value > 1) throw malformed(this.command, this.what(column), value, '0 or 1');
    return value === 1;
  }

  private number(column: string, expected: string): number {
    const value = this.raw(column);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
    throw malformed(this.command, this.what(column), value, expected);
  }
}

const rows = (command: string, list: readonly ConsoleRow[], labelOf: (row: ConsoleRow) => string) =>
  list.map((row) => new Row(command, labelOf(row), row));

const nameOf = (column: string) => (row: ConsoleRow) => String(row[column] ?? '?');

function poolModeOf(command: string, what: string, value: string | null): PoolMode | null {
  if (value === null || value.trim() === '') return null;
  const mode = value.trim();
  if ((POOL_MODES as readonly string[]).includes(mode)) return mode as PoolMode;
  throw malformed(command, what, value, `one of ${POOL_MODES.join(', ')}`);
}

/** `PgBouncer 1.18.0` → 1.18.0 and 11800. */
export function parseVersion(text: string): { version: string; versionNum: number } {
  const match = /^PgBouncer (\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) throw malformed('VERSION', 'the version', text, 'PgBouncer X.Y.Z');
  const [major, minor, patch] = [match[1], match[2], match[3] ?? '0'].map(Number) as [number, number, number];
  return { version: `${major}.${minor}.${patch}`, versionNum: major * 10_000 + minor * 100 + patch };
}

/** 1.23 fixed avg_wait_time: before, time waited per second of wall time; since, wait per server assignment. */
const AVG_WAIT_PER_ASSIGNMENT_FROM = 12_300;

const SECONDS = /^\d+(\.\d+)?$/;

/** SHOW CONFIG's key/value rows; every value is text, times in seconds. */
class ConfigValues {
  private readonly raw: ReadonlyMap<string, string>;

  constructor(raw: ReadonlyMap<string, string>) {
    this.raw = raw;
  }

  private get(key: string): string {
    const value = this.raw.get(key);
    if (value === undefined) throw missing('CONFIG', `key ${key}`);
    return value.trim();
  }

  count(key: string): number {
    const value = this.get(key);
    if (!/^\d+$/.test(value)) throw malformed('CONFIG', key, value, 'a whole number');
    return Number(value);
  }

  countIfAny(key: string): number | null {
    return this.raw.has(key) ? this.count(key) : null;
  }

  /** Seconds (possibly fractional, as PgBouncer keeps µs) → ms. */
  ms(key: string): number {
    const value = this.get(key);
    if (!SECONDS.test(value)) throw malformed('CONFIG', key, value, 'a number of seconds');
    // Rounded to the µs PgBouncer keeps, so that 0.3 s reads 300 ms and not 300.00000000000006.
    return Math.round(Number(value) * 1e6) / 1e3;
  }

  msIfAny(key: string): number | null {
    return this.raw.has(key) ? this.ms(key) : null;
  }

  flag(key: string): boolean {
    const value = this.get(key).toLowerCase();
    if (['1', 'on', 'yes', 'true'].includes(value)) return true;
    if (['0', 'off', 'no', 'false'].includes(value)) return false;
    throw malformed('CONFIG', key, value, 'a boolean (0 or 1)');
  }

  text(key: string): string {
    return this.raw.get(key) ?? '';
  }

  /** `extra_float_digits, options` → ['extra_float_digits', 'options']. */
  list(key: string): string[] {
    return this.text(key)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}

export function parseConfig(list: readonly ConsoleRow[]): PoolerConfig {
  const raw = new Map<string, string>();
  for (const row of rows('CONFIG', list, nameOf('key'))) {
    const key = row.text('key');
    if (key === null) throw missing('CONFIG', 'key in one of its rows');
    // Unset keys (auth_user, user) come as NULL; the map keeps them as empty text, as the ini would.
    raw.set(key, row.text('value') ?? '');
  }
  const config = new ConfigValues(raw);
  const poolMode = poolModeOf('CONFIG', 'pool_mode', config.text('pool_mode') || null);
  if (poolMode === null) throw missing('CONFIG', 'key pool_mode');
  return {
    poolMode,
    maxClientConn: config.count('max_client_conn'),
    defaultPoolSize: config.count('default_pool_size'),
    minPoolSize: config.count('min_pool_size'),
    reservePoolSize: config.count('reserve_pool_size'),
    reservePoolTimeoutMs: config.ms('reserve_pool_timeout'),
    maxDbConnections: config.count('max_db_connections'),
    maxUserConnections: config.count('max_user_connections'),
    serverLifetimeMs: config.ms('server_lifetime'),
    serverIdleTimeoutMs: config.ms('server_idle_timeout'),
    serverConnectTimeoutMs: config.ms('server_connect_timeout'),
    queryTimeoutMs: config.ms('query_timeout'),
    queryWaitTimeoutMs: config.ms('query_wait_timeout'),
    clientIdleTimeoutMs: config.ms('client_idle_timeout'),
    idleTransactionTimeoutMs: config.ms('idle_transaction_timeout'),
    transactionTimeoutMs: config.msIfAny('transaction_timeout'),
    serverResetQuery: config.text('server_reset_query'),
    serverResetQueryAlways: config.flag('server_reset_query_always'),
    ignoreStartupParameters: config.list('ignore_startup_parameters'),
    maxPreparedStatements: config.countIfAny('max_prepared_statements'),
    statsUsers: config.list('stats_users'),
    adminUsers: config.list('admin_users'),
    raw,
  };
}

export function parseDatabases(list: readonly ConsoleRow[]): PoolerDatabase[] {
  return rows('DATABASES', list, nameOf('name'))
    .map((row) => ({ row, name: row.text('name') ?? '' }))
    .filter(({ name }) => name !== CONSOLE_DATABASE)
    .map(({ row, name }) => {
      const host = row.text('host');
      const forceUser = row.text('force_user');
      return {
        name,
        host: host === null || host === '' ? null : host,
        port: portOf(row),
        database: row.text('database') ?? name,
        forceUser: forceUser === null || forceUser === '' ? null : forceUser,
        poolSize: row.count('pool_size'),
        minPoolSize: row.count('min_pool_size'),
        // Renamed in 1.24.
        reservePoolSize: row.has('reserve_pool_size')
          ? row.count('reserve_pool_size')
          : row.count('reserve_pool'),
        poolMode: poolModeOf('DATABASES', `pool_mode of ${name}`, row.text('pool_mode')),
        maxConnections: row.count('max_connections'),
        currentConnections: row.count('current_connections'),
        // 1.23+: the entry's own value, or the global one it falls back to; whole seconds.
        serverLifetimeMs: row.has('server_lifetime') ? row.count('server_lifetime') * 1000 : null,
        paused: row.flag('paused'),
        disabled: row.flag('disabled'),
      };
    });
}

/** A socket-only entry has no port worth naming; the console prints 0 or NULL for it. */
function portOf(row: Row): number | null {
  if (!row.has('port')) return null;
  const port = row.nullableCount('port');
  return port === 0 ? null : port;
}

/**
 * USERS prints pool_size and reserve_pool_size as text, right-aligned in 9 characters, or "" when the user
 * does not override them.
 */
function overrideOf(row: Row, column: string, user: string): number | null {
  if (!row.has(column)) return null;
  const text = row.text(column)?.trim() ?? '';
  if (text === '') return null;
  if (!/^\d+$/.test(text)) throw malformed('USERS', `${column} of ${user}`, text, 'a whole number or empty');
  return Number(text);
}

/**
 * PgBouncer 1.23 to 1.25 reuse one text buffer for these columns across the rows of SHOW USERS (fixed in
 * 1.26), so every user listed after one with an override shows that override too. A value the row before
 * also printed may be such a leftover; it is read as no override, since a phantom per-user pool size would
 * make the pooler look able to open more server connections than it can. Two adjacent users that really
 * share a value lose the second one: the lesser error.
 */
const USERS_REPEATS_OVERRIDES = (versionNum: number) => versionNum >= 12_300 && versionNum < 12_600;

export function parseUsers(list: readonly ConsoleRow[], versionNum: number): PoolerUser[] {
  const read = rows('USERS', list, nameOf('name')).map((row) => {
    const name = row.text('name') ?? '';
    return {
      row,
      name,
      poolSize: overrideOf(row, 'pool_size', name),
      reservePoolSize: overrideOf(row, 'reserve_pool_size', name),
    };
  });
  const leftover = (column: 'poolSize' | 'reservePoolSize', i: number) =>
    USERS_REPEATS_OVERRIDES(versionNum) && i > 0 && read[i - 1]?.[column] === read[i]?.[column];
  return read
    .map((user, i) => ({
      ...user,
      poolSize: leftover('poolSize', i) ? null : user.poolSize,
      reservePoolSize: leftover('reservePoolSize', i) ? null : user.reservePoolSize,
    }))
    .filter(({ name }) => name !== CONSOLE_DATABASE)
    .map(({ row, name, poolSize, reservePoolSize }) => ({
      name,
      poolSize,
      reservePoolSize,
      poolMode: poolModeOf('USERS', `pool_mode of ${name}`, row.text('pool_mode')),
      // 1.23+: the user's max_user_connections, or the global one when the user sets none.
      maxUserConnections: row.countIfAny('max_user_connections'),
    }));
}

export function parsePools(list: readonly ConsoleRow[], globalMode: PoolMode): PoolerPool[] {
  return rows('POOLS', list, (row) => `${String(row.database)}/${String(row.user)}`)
    .map((row) => ({ row, database: row.text('database') ?? '', user: row.text('user') ?? '' }))
    .filter(({ database }) => database !== CONSOLE_DATABASE)
    .map(({ row, database, user }) => ({
      database,
      user,
      clientsActive: row.count('cl_active'),
      clientsWaiting: row.count('cl_waiting'),
      serversActive: row.count('sv_active'),
      serversIdle: row.count('sv_idle'),
      serversUsed: row.count('sv_used'),
      serversTested: row.count('sv_tested'),
      serversLogin: row.count('sv_login'),
      // The oldest waiter's wait, split by PgBouncer into whole seconds and the µs beyond them.
      maxWaitMs: row.count('maxwait') * 1000 + row.count('maxwait_us') / 1000,
      poolMode: poolModeOf('POOLS', `pool_mode of ${database}/${user}`, row.text('pool_mode')) ?? globalMode,
    }));
}

/** Console times are µs. */
const msOfUs = (us: number) => us / 1000;

export function parseStats(list: readonly ConsoleRow[], versionNum: number): PoolerStats[] {
  const avgWaitTimeMeaning = versionNum >= AVG_WAIT_PER_ASSIGNMENT_FROM ? 'per-assignment' : 'per-second';
  return rows('STATS', list, nameOf('database'))
    .map((row) => ({ row, database: row.text('database') ?? '' }))
    .filter(({ database }) => database !== CONSOLE_DATABASE)
    .map(({ row, database }) => ({
      database,
      totalXactCount: row.count('total_xact_count'),
      totalQueryCount: row.count('total_query_count'),
      totalXactTimeMs: msOfUs(row.count('total_xact_time')),
      totalQueryTimeMs: msOfUs(row.count('total_query_time')),
      totalWaitTimeMs: msOfUs(row.count('total_wait_time')),
      totalServerAssignmentCount: row.countIfAny('total_server_assignment_count'),
      avgWaitTimeMs: msOfUs(row.amount('avg_wait_time')),
      avgWaitTimeMeaning,
    }));
}

export function parseLists(list: readonly ConsoleRow[]): PoolerLists {
  const items = new Map<string, number>();
  for (const row of rows('LISTS', list, nameOf('list'))) {
    const name = row.text('list');
    if (name !== null) items.set(name, row.count('items'));
  }
  const item = (name: string) => {
    const value = items.get(name);
    if (value === undefined) throw missing('LISTS', `row ${name}`);
    return value;
  };
  return {
    databases: item('databases'),
    users: item('users'),
    pools: item('pools'),
    freeClients: item('free_clients'),
    usedClients: item('used_clients'),
    loginClients: item('login_clients'),
    freeServers: item('free_servers'),
    usedServers: item('used_servers'),
  };
}

/** Everything one read of the console returned, typed; `console` is how to name it (`user@host:port`). */
export function poolerFactsFrom(answers: ConsoleRows, console: string): PoolerFacts {
  const [versionRow] = rows('VERSION', answers.version, () => '');
  if (!versionRow) throw missing('VERSION', 'row');
  const { version, versionNum } = parseVersion(versionRow.text('version') ?? '');
  const config = parseConfig(answers.config);
  return {
    product: 'pgbouncer',
    version,
    versionNum,
    console,
    config,
    databases: parseDatabases(answers.databases),
    users: parseUsers(answers.users, versionNum),
    pools: parsePools(answers.pools, config.poolMode),
    stats: parseStats(answers.stats, versionNum),
    lists: parseLists(answers.lists),
  };
}
