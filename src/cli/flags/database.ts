import type { Command } from 'commander';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../core/guide.js';
import { formatDuration } from '../../core/units.js';
import { duration } from './values.js';

/** How a command reaches its database: --db (else DATABASE_URL, else PG*) and --connect-timeout. */
export interface DatabaseOptions {
  readonly db?: string;
  /** Set when the user gave --connect-timeout; otherwise the URL's, PGCONNECT_TIMEOUT or 10s. */
  readonly connectTimeoutMs?: number;
}

export const CONNECTION_HELP = `
Connection:
  --db takes a URL such as postgres://user@host:5432/db?sslmode=require.
  Without it pooltune uses DATABASE_URL, else the PG* variables (PGHOST,
  PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGPASSFILE
  or ~/.pgpass), as psql does. Passwords are never printed. pooltune's sessions
  are read-only, named pooltune, time-limited, and closed when it is done.`;

export function addDatabaseFlags(command: Command): Command {
  return command
    .option('--db <url>', 'the database to connect to (else DATABASE_URL, else PG* variables)')
    .option(
      '--connect-timeout <duration>',
      `give up connecting after this long (default ${formatDuration(DEFAULT_CONNECT_TIMEOUT_MS)})`,
      duration,
    );
}

export function readDatabase(command: Command): DatabaseOptions {
  const raw = command.opts<{ db?: string; connectTimeout?: number }>();
  return {
    ...(raw.db === undefined ? {} : { db: raw.db }),
    ...(raw.connectTimeout === undefined ? {} : { connectTimeoutMs: raw.connectTimeout }),
  };
}
