/**
 * Reads a PgBouncer admin console (database `pgbouncer`): one login, seven SHOW commands per read, once
 * (readPoolerFacts) or at every reading of a run (openPoolerConsole). The console is not PostgreSQL: it
 * refuses every startup parameter it does not know (so none of pooltune's session settings go in the
 * startup packet) and speaks the simple query protocol only (so every query is a bare `SHOW …` without
 * values or a name).
 */
import type { EventEmitter } from 'node:events';
import type pg from 'pg';
import { ConnectionError, PooltuneError } from '../core/errors.js';
import type { PoolerFacts } from '../core/pooler/facts.js';
import {
  CONSOLE_DATABASE,
  type ConsoleRow,
  type ConsoleRows,
  looksLikeConsole,
  poolerFactsFrom,
} from '../core/pooler/parse.js';
import { formatDuration } from '../core/units.js';
import { tlsOptions } from './connect.js';
import { NoPasswordError, connectionErrorFrom, sessionErrorFrom } from './connection-errors.js';
import { track } from './open-connections.js';
import { ignoredPasswordFile, passwordFromPgpass } from './pgpass.js';
import { describeHostPort, describeTarget, type ConnectionTarget } from './target.js';

export { looksLikeConsole };

type Env = Readonly<Record<string, string | undefined>>;

export interface PoolerReadOptions {
  readonly connectTimeoutMs: number;
  readonly env: Env;
  /** A client-side bound on each SHOW; the console answers from memory, so the default is short. */
  readonly queryTimeoutMs?: number;
}

const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** The console of the PgBouncer at the same endpoint, reached with the same login and TLS. */
export function consoleTargetOf(target: ConnectionTarget): ConnectionTarget {
  return { ...target, database: CONSOLE_DATABASE };
}

const isConsoleTarget = (target: Pick<ConnectionTarget, 'database'>) => target.database === CONSOLE_DATABASE;

/** `user@host:port`: how PoolerFacts.console names the console, without the password. */
export function describeConsole(target: Pick<ConnectionTarget, 'user' | 'host' | 'port'>): string {
  return `${target.user}@${describeHostPort(target)}`;
}

/** The commands one read runs, in order, and where each answer goes. */
const COMMANDS: readonly (readonly [keyof ConsoleRows, string])[] = [
  ['version', 'VERSION'],
  ['config', 'CONFIG'],
  ['databases', 'DATABASES'],
  ['users', 'USERS'],
  ['pools', 'POOLS'],
  ['stats', 'STATS'],
  ['lists', 'LISTS'],
];

interface Where {
  readonly target: ConnectionTarget;
  readonly where: string;
  readonly connectTimeoutMs: number;
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;

const STATS_USERS_HINT = (user: string) =>
  `add "${user}" to PgBouncer's stats_users (read-only SHOW commands, all pooltune needs) or admin_users, then reload PgBouncer`;

/** Why the login to the console failed, in one line with a hint; console-specific cases first. */
function loginError(error: unknown, at: Where): PooltuneError {
  if (error instanceof PooltuneError) return error;
  const { target, where } = at;
  const e = (error ?? {}) as { code?: string; message?: string };
  const message = e.message ?? String(error);
  // PgBouncer's own login errors come as 08P01; PostgreSQL's (28P01, 3D000 …) mean it is not PgBouncer.
  const fromPgBouncer = e.code === '08P01';
  if (fromPgBouncer && /\bnot allowed\b/i.test(message))
    return new ConnectionError(
      `PgBouncer at ${where} does not let "${target.user}" into its admin console (not allowed)`,
      e.code,
      [STATS_USERS_HINT(target.user)],
    );
  if (fromPgBouncer && /password authentication failed|SASL authentication failed/i.test(message))
    return new ConnectionError(
      `password authentication failed for user "${target.user}" at PgBouncer's console ${where}`,
      e.code,
      [
        'PgBouncer checks the password against its auth_file (or auth_query): check the password in the pooler URL, PGPASSWORD or the password file (.pgpass / PGPASSFILE)',
      ],
    );
  if (e.code === '3D000' && isConsoleTarget(target))
    return new ConnectionError(
      `${where} has no database "${CONSOLE_DATABASE}": PostgreSQL answers there, not PgBouncer`,
      e.code,
      ["point the pooler URL at PgBouncer's own port (6432 unless listen_port says otherwise)"],
    );
  // 1.18 says `database "x" does not exist`, later releases `no such database: x`.
  if (fromPgBouncer && /no such database|database ".*" does not exist/i.test(message))
    return new ConnectionError(`PgBouncer at ${where} has no database "${target.database}"`, e.code, [
      `its admin console is the database "${CONSOLE_DATABASE}"`,
    ]);
  if (e.code === 'ECONNREFUSED')
    return new ConnectionError(`connection refused by ${where}: no PgBouncer listening there`, e.code, [
      `check that PgBouncer runs and that host and port are right (the target comes from ${target.source})`,
    ]);
  if (/timeout expired|connection timeout/i.test(message))
    return new ConnectionError(
      `no answer from ${where} within ${formatDuration(at.connectTimeoutMs)} (--connect-timeout)`,
      'timeout',
      ["check that the host and port are PgBouncer's and that nothing in between drops packets"],
    );
  return connectionErrorFrom(error, {
    ...target,
    display: describeTarget(target),
    connectTimeoutMs: at.connectTimeoutMs,
  });
}

/** Why a SHOW command failed on an open console. */
function commandError(error: unknown, command: string, at: Where, queryTimeoutMs: number): PooltuneError {
  if (error instanceof PooltuneError) return error;
  const { target, where } = at;
  const e = (error ?? {}) as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (/invalid command/i.test(message))
    return new ConnectionError(`${where} does not know SHOW ${command}: ${firstLine(message)}`, e.code, [
      'this is not a PgBouncer admin console, or a PgBouncer too old for pooltune (it reads 1.18 and later)',
    ]);
  if (/admin access needed/i.test(message))
    return new ConnectionError(`"${target.user}" may not run SHOW ${command} on ${where}`, e.code, [
      `add "${target.user}" to PgBouncer's admin_users`,
    ]);
  if (e.code === '42704')
    return new ConnectionError(`${where} is not a PgBouncer admin console: ${firstLine(message)}`, e.code, [
      "PostgreSQL answered SHOW: point the pooler URL at PgBouncer's own port and its database pgbouncer",
    ]);
  if (/Query read timeout/i.test(message))
    return new ConnectionError(
      `PgBouncer's console at ${where} did not answer SHOW ${command} within ${formatDuration(queryTimeoutMs)}`,
      'timeout',
      ['PgBouncer may be overloaded or stopped; try again'],
    );
  const session = sessionErrorFrom(error, {
    ...target,
    display: describeTarget(target),
    connectTimeoutMs: at.connectTimeoutMs,
  });
  if (session instanceof PooltuneError) return session;
  return new ConnectionError(`SHOW ${command} failed on ${where}: ${firstLine(message)}`, e.code);
}

/** The parts of pg.Client this module reaches past its types for; both are stable since pg 8.0. */
interface ClientInternals {
  /** Emits each message of the protocol by name, `parameterStatus` among them. */
  readonly connection: EventEmitter;
  /** Read by pg when it writes the startup packet. */
  readonly connectionParameters: Record<string, unknown>;
}

/**
 * pg fills `options`, `application_name` and `replication` from PGOPTIONS, PGAPPNAME and PGREPLICATION
 * when the config leaves them out, and an empty value counts as left out. Any of them in the startup
 * packet can make PgBouncer refuse the login (`options` before 1.20, any key it does not track after), so
 * they are cleared where pg reads them.
 */
function onlyLoginParameters(client: pg.Client): void {
  const parameters = (client as unknown as ClientInternals).connectionParameters;
  for (const name of ['options', 'application_name', 'fallback_application_name', 'replication'])
    parameters[name] = undefined;
}

/** Records the server_version the login announces: PgBouncer's console says `1.18.0/bouncer`. */
function watchServerVersion(client: pg.Client): () => string | undefined {
  let serverVersion: string | undefined;
  (client as unknown as ClientInternals).connection.on(
    'parameterStatus',
    (message: { parameterName?: string; parameterValue?: string }) => {
      if (message.parameterName === 'server_version') serverVersion = message.parameterValue;
    },
  );
  return () => serverVersion;
}

interface OpenConsole {
  readonly client: pg.Client;
  readonly serverVersion: () => string | undefined;
}

async function connectConsole(config: pg.ClientConfig): Promise<OpenConsole> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client(config);
  onlyLoginParameters(client);
  const serverVersion = watchServerVersion(client);
  // A late socket error after we gave up must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { client, serverVersion };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** pg asks for a password only when the server wants one; none given fails as libpq's "no password supplied". */
function noPassword(env: Env): () => Promise<string> {
  return async () => {
    throw new NoPasswordError(await ignoredPasswordFile(env));
  };
}

async function openConsole(target: ConnectionTarget, options: PoolerReadOptions): Promise<OpenConsole> {
  const password = target.password ?? (await passwordFromPgpass(target, options.env));
  const config = (ssl: pg.ClientConfig['ssl']): pg.ClientConfig => ({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: password ?? noPassword(options.env),
    ssl,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
  });
  try {
    return await connectConsole(config(await tlsOptions(target)));
  } catch (error) {
    // libpq's "prefer": TLS when PgBouncer offers it (client_tls_sslmode), without it when it does not.
    if (target.sslMode !== 'prefer' || !/does not support SSL/i.test((error as Error).message)) throw error;
    return await connectConsole(config(false));
  }
}

/** One login to PgBouncer's admin console, kept open for as many reads as the caller wants. */
export interface PoolerConsole {
  /** Runs the SHOW commands once; a failure is a ConnectionError with one line and a hint. */
  read(): Promise<PoolerFacts>;
  /** Ends the login; safe to call twice, and after the console went away. */
  close(): Promise<void>;
}

/**
 * Logs in to PgBouncer's admin console at `target` (its database is normally `pgbouncer`: see
 * consoleTargetOf) and keeps the connection for every read(), so that a run watching the pooler logs in
 * once. The connection is tracked, so a signal closes it with pooltune's other connections. The login
 * needs a user in PgBouncer's stats_users or admin_users. Every failure is a ConnectionError (exit 3) with
 * one line and a hint; the password never appears in it.
 */
export async function openPoolerConsole(
  target: ConnectionTarget,
  options: PoolerReadOptions,
): Promise<PoolerConsole> {
  const at: Where = {
    target,
    where: describeHostPort(target),
    connectTimeoutMs: options.connectTimeoutMs,
  };
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  let opened: OpenConsole;
  try {
    opened = await openConsole(target, options);
  } catch (error) {
    throw loginError(error, at);
  }
  const { client } = opened;
  const untrack = track(() => client.end());
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    untrack();
    await client.end().catch(() => undefined);
  };
  const serverVersion = opened.serverVersion();
  // Not PgBouncer (a PostgreSQL database that happens to be called pgbouncer): say so before any SHOW.
  if (serverVersion !== undefined && !looksLikeConsole(serverVersion)) {
    await close();
    throw new ConnectionError(
      `${at.where} is not a PgBouncer admin console: it announced server_version ${serverVersion}`,
      'not-a-pooler',
      ["point the pooler URL at PgBouncer's own port and its database pgbouncer"],
    );
  }
  return {
    read: async () => {
      const answers: Record<string, readonly ConsoleRow[]> = {};
      for (const [key, command] of COMMANDS) {
        try {
          // No values and no name: pg sends a simple Query message, the only kind the console accepts.
          answers[key] = (await client.query<ConsoleRow>(`SHOW ${command}`)).rows;
        } catch (error) {
          throw commandError(error, command, at, queryTimeoutMs);
        }
      }
      return poolerFactsFrom(answers as unknown as ConsoleRows, describeConsole(target));
    },
    close,
  };
}

/** Reads PgBouncer's admin console at `target` once: openPoolerConsole, one read, closed whatever happens. */
export async function readPoolerFacts(
  target: ConnectionTarget,
  options: PoolerReadOptions,
): Promise<PoolerFacts> {
  const console = await openPoolerConsole(target, options);
  try {
    return await console.read();
  } finally {
    await console.close();
  }
}
