import { POSTGRES_DEFAULT_MAX_CONNECTIONS, POSTGRES_DEFAULT_RESERVED_CONNECTIONS } from '../../core/guide.js';
import { sizeServerPool, type IniSetting } from '../../core/pooler/server-pool.js';
import { plural } from '../../core/plural.js';
import type { EmitInput, Emitter } from './types.js';

/** Where the fragment points without --db: PostgreSQL's defaults, to be replaced. */
const OFFLINE_TARGET = { host: 'localhost', port: 5432, database: 'postgres' } as const;

/** A connection-string value as PgBouncer (libpq's syntax) reads it: bare when plain, else single-quoted. */
function connValue(value: string | number): string {
  const text = String(value);
  return /^[A-Za-z0-9_./:-]+$/.test(text) ? text : `'${text.replace(/['\\]/g, (c) => `\\${c}`)}'`;
}

/** The server pool from the defaults when recommend did not size one (no budget given: PostgreSQL's). */
function serverPoolOf(input: EmitInput) {
  return (
    input.pgbouncer?.serverPool ??
    sizeServerPool({
      mode: input.behindPooler ?? 'transaction',
      budget: {
        maxConnections: POSTGRES_DEFAULT_MAX_CONNECTIONS,
        reservedConnections: POSTGRES_DEFAULT_RESERVED_CONNECTIONS,
        otherConnections: 0,
        source: 'default',
      },
      appPool: input.pool,
      appInstances: 1,
    })
  );
}

function settingLines(setting: IniSetting): string[] {
  return [`; ${setting.why}`, `${setting.key} = ${setting.value}`];
}

/**
 * A pgbouncer.ini fragment for the chain: the [databases] entry for the target and the [pgbouncer] pool
 * settings, each with the reason for its value. Never a password: PgBouncer reads those from its auth_file
 * or auth_query.
 */
export const emitPgBouncer: Emitter = (input) => {
  const serverPool = serverPoolOf(input);
  const target = input.pgbouncer?.target ?? null;
  const where = target ?? OFFLINE_TARGET;
  const name = /^[A-Za-z0-9_.-]+$/.test(where.database) ? where.database : 'app';
  const mode = input.behindPooler ?? 'transaction';
  const code = [
    `; pooltune: PgBouncer in front of the server, for ${plural(input.pool.maxConnections, 'client connection')} per application instance (${input.workload} workload).`,
    "; Merge into pgbouncer.ini's own sections: a second [pgbouncer] section would make PgBouncer drop",
    '; what the first one set. No password here: PgBouncer takes it from auth_file or auth_query.',
    '[databases]',
    target === null
      ? "; Without --db: PostgreSQL's defaults. Put your server's host, port and database here."
      : `; The server recommend read; clients connect to PgBouncer's port with database ${name}.`,
    `${name} = host=${connValue(where.host)} port=${where.port} dbname=${connValue(where.database)}`,
    '',
    '[pgbouncer]',
    ...serverPool.settings.flatMap(settingLines),
    '; pgJDBC and Go lib/pq send extra_float_digits at connect time; dropping it only changes float output.',
    'ignore_startup_parameters = extra_float_digits',
    ...(mode === 'transaction'
      ? [
          '; PgBouncer 1.21+ can keep protocol-level prepared statements in transaction mode (1.24+ keeps 200 by',
          '; default). Older versions do not know the key; the configs pooltune emits turn prepared statements off.',
          '; max_prepared_statements = 200',
        ]
      : []),
    '',
  ].join('\n');
  const notes = [
    `default_pool_size is per (database, user) pair: each further role through this entry gets its own pool, and max_db_connections (${serverPool.defaultPoolSize + serverPool.reservePoolSize}) caps them together.`,
    serverPool.processes > 1
      ? `These values are one process's share for ${serverPool.processes} PgBouncer processes (--pooler-instances): they do not share their pools, so each gets the same ini.`
      : 'Several PgBouncer processes (so_reuseport, one per host or pod) do not share their pools: give --pooler-instances so that each gets its share.',
    ...(mode === 'transaction'
      ? [
          'In transaction mode the applications behind it must not rely on session state (SET, LISTEN, session advisory locks, SQL PREPARE); emit their configs with --behind-pooler transaction.',
        ]
      : []),
    ...serverPool.warnings,
  ];
  return { emitter: 'pgbouncer', language: 'ini', code, notes };
};
