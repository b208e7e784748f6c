import type { Command } from 'commander';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../core/guide.js';
import { formatDuration } from '../../core/units.js';
import { COUNT_RANGES } from '../../core/numbers.js';
import { count, duration } from './values.js';

/** How a command reaches its database: --db (else DATABASE_URL, else PG*) and --connect-timeout. */
export interface DatabaseOptions {
  /** The one target's URL; with --db given more than once, `targets` holds them all instead. */
  readonly db?: string;
  /** --db given more than once (by check-server and health): each target's name and URL, in order. */
  readonly targets?: readonly NamedUrl[];
  /** The admin console of the pooler in front of the server (PgBouncer's database `pgbouncer`). */
  readonly pooler?: string;
  /** PgBouncer processes that share the load without coordinating; each opens its own server connections. */
  readonly poolerInstances?: number;
  /** Set when the user gave --connect-timeout; otherwise the URL's, PGCONNECT_TIMEOUT or 10s. */
  readonly connectTimeoutMs?: number;
}

/** A target as `--db name=url` gives it; without `name=` the name is made from the URL's host and port. */
export interface NamedUrl {
  readonly name?: string;
  readonly url: string;
}

// A name, then '=', then something that looks like a URL's scheme: a query string's '=' never comes first.
const NAMED_URL = /^([A-Za-z][A-Za-z0-9_.-]{0,62})=(?=[a-z][a-z0-9+.-]*:\/\/)(.*)$/is;

/** `primary=postgres://…` → { name: 'primary', url: 'postgres://…' }; a bare URL keeps no name. */
export function parseNamedUrl(value: string): NamedUrl {
  const named = NAMED_URL.exec(value);
  return named ? { name: named[1]!, url: named[2]! } : { url: value };
}

const collect = (value: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

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

export function addDatabaseFlags(command: Command, severalTargets = false): Command {
  return command
    .option(
      '--db <url>',
      severalTargets
        ? 'the database to connect to (else DATABASE_URL, else PG* variables); give it again, as name=url, to check several servers in one run'
        : 'the database to connect to (else DATABASE_URL, else PG* variables)',
      collect,
    )
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

export function readDatabase(command: Command, severalTargets = false): DatabaseOptions {
  const raw = command.opts<{
    db?: readonly string[];
    pooler?: string;
    poolerInstances?: number;
    connectTimeout?: number;
  }>();
  const dbs = (raw.db ?? []).map(parseNamedUrl);
  if (dbs.length > 1 && !severalTargets)
    command.error(
      `error: --db was given ${dbs.length} times; ${command.name()} checks one server (check-server, health, preflight and monitor --listen take several)`,
    );
  const names = dbs.map((d) => d.name).filter((n) => n !== undefined);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) command.error(`error: --db names ${twice} twice; give each target its own name`);
  return {
    ...(dbs.length === 1 ? { db: dbs[0]!.url } : {}),
    ...(dbs.length > 1 ? { targets: dbs } : {}),
    ...(raw.pooler === undefined ? {} : { pooler: raw.pooler }),
    ...(raw.poolerInstances === undefined ? {} : { poolerInstances: raw.poolerInstances }),
    ...(raw.connectTimeout === undefined ? {} : { connectTimeoutMs: raw.connectTimeout }),
  };
}
