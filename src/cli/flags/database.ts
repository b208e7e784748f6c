import type { Command } from 'commander';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../core/guide.js';
import { formatDuration } from '../../core/units.js';
import { COUNT_RANGES } from '../../core/numbers.js';
import { count, duration } from './values.js';

/** How a command reaches its database: --db (else DATABASE_URL, else PG*) and --connect-timeout. */
export interface DatabaseOptions {
  readonly db?: string;
  /** The admin console of the pooler in front of the server (PgBouncer's database `pgbouncer`). */
  readonly pooler?: string;
  /** PgBouncer processes that share the load without coordinating; each opens its own server connections. */
  readonly poolerInstances?: number;
  /** Set when the user gave --connect-timeout; otherwise the URL's, PGCONNECT_TIMEOUT or 10s. */
  readonly connectTimeoutMs?: number;
}

export const CONNECTION_HELP = `
Connection:
  --db takes a URL such as postgres://user@host:5432/db?sslmode=require.
  Without it pooltune uses DATABASE_URL, else the PG* variables (PGHOST,
  PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGPASSFILE
  or ~/.pgpass), as psql does. Passwords are never printed. pooltune's sessions
  are read-only, named pooltune, time-limited, and closed when it is done.
  Through a pooler (seen by itself, or named with --pooler) every statement
  runs in a read-only transaction of its own, so that nothing of pooltune's
  stays on a pooled connection; the pooler's admin console is read and judged
  too (its user needs to be in PgBouncer's stats_users).`;

export function addDatabaseFlags(command: Command): Command {
  return command
    .option('--db <url>', 'the database to connect to (else DATABASE_URL, else PG* variables)')
    .option(
      '--pooler <url>',
      "the pooler's admin console URL, database pgbouncer (default: tried on --db's host and port when a pooler is seen there)",
    )
    .option(
      '--pooler-instances <n>',
      'PgBouncer processes in front of the server, which do not coordinate (default 1)',
      count(COUNT_RANGES.poolerInstances),
    )
    .option(
      '--connect-timeout <duration>',
      `give up connecting after this long (default ${formatDuration(DEFAULT_CONNECT_TIMEOUT_MS)})`,
      duration,
    );
}

export function readDatabase(command: Command): DatabaseOptions {
  const raw = command.opts<{
    db?: string;
    pooler?: string;
    poolerInstances?: number;
    connectTimeout?: number;
  }>();
  return {
    ...(raw.db === undefined ? {} : { db: raw.db }),
    ...(raw.pooler === undefined ? {} : { pooler: raw.pooler }),
    ...(raw.poolerInstances === undefined ? {} : { poolerInstances: raw.poolerInstances }),
    ...(raw.connectTimeout === undefined ? {} : { connectTimeoutMs: raw.connectTimeout }),
  };
}
