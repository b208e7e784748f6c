import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { UsageError } from '../core/errors.js';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../core/guide.js';
import { NoPasswordError, connectionErrorFrom, sessionErrorFrom } from './connection-errors.js';
import { ignoredPasswordFile, passwordFromPgpass } from './pgpass.js';
import { track } from './open-connections.js';
import { describeTarget, type ConnectionTarget } from './target.js';
import type { SessionRoute } from '../core/server-facts.js';

/** Every pooltune session names itself, is read-only, and cannot run or wait for long. */
export const SESSION_APPLICATION_NAME = 'pooltune';
export { DEFAULT_STATEMENT_TIMEOUT_MS };

export interface SessionOptions {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A pg_settings row as the server had it before pooltune bounded its own session. */
export interface SettingRow {
  readonly name: string;
  readonly setting: string;
  readonly unit: string | null;
  readonly source: string;
  readonly context: string;
  readonly pending_restart: boolean;
}

/** The settings pooltune changes in its own session; their server values are read before that. */
export const OWN_SESSION_SETTINGS = [
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
] as const;

/** What probes may do with a session: run read-only queries. */
export interface Session {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** OWN_SESSION_SETTINGS as every other new session on this server gets them. */
  readonly serverDefaults: ReadonlyMap<string, SettingRow>;
  /** Directly to PostgreSQL, or through a pooler. */
  readonly route: SessionRoute;
}

export async function tlsOptions(target: ConnectionTarget): Promise<ConnectionOptions | false> {
  // Like libpq, never TLS on a Unix socket, whatever sslmode says: the server would refuse it anyway.
  if (target.host.startsWith('/')) return false;
  switch (target.sslMode) {
    case 'disable':
    case 'allow':
      return false;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full': {
      let ca: string | undefined;
      if (target.sslRootCert) {
        try {
          ca = await readFile(target.sslRootCert, 'utf8');
        } catch {
          throw new UsageError(
            `cannot read the root certificate ${target.sslRootCert} (sslrootcert / PGSSLROOTCERT)`,
          );
        }
      }
      return {
        rejectUnauthorized: true,
        ...(ca === undefined ? {} : { ca }),
        // verify-ca checks the chain but not the name; verify-full checks both.
        ...(target.sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
      };
    }
  }
}

// Read-only from the first statement on: a startup option, not a SET that could come too late.
const READ_ONLY_STARTUP_OPTION = '-c default_transaction_read_only=on';
// A client-side bound on top of statement_timeout, for a server that stops answering altogether.
const CLIENT_GRACE_MS = 2000;

const lockTimeoutFor = (statementTimeoutMs: number) => Math.min(statementTimeoutMs, 5000);

/**
 * Reads the server's own values of the settings pooltune is about to change (a startup option would hide
 * them: pg_settings then shows the session's value), then bounds the session.
 */
async function boundSession(client: pg.Client, statementTimeoutMs: number): Promise<Map<string, SettingRow>> {
  const { rows } = await client.query<SettingRow>(
    `select name, setting, unit, source, context, pending_restart from pg_settings where name = any($1::text[])`,
    [OWN_SESSION_SETTINGS],
  );
  await client.query(
    `SET statement_timeout = ${statementTimeoutMs}; SET lock_timeout = ${lockTimeoutFor(statementTimeoutMs)}; ` +
      `SET idle_in_transaction_session_timeout = ${statementTimeoutMs}`,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/** The pid the login's BackendKeyData announced; pg keeps it but its types do not say so. */
function announcedPid(client: pg.Client): number | null {
  const pid = (client as pg.Client & { processID?: number | null }).processID;
  return typeof pid === 'number' ? pid : null;
}

interface Credentials {
  readonly password: string | undefined;
  readonly ssl: ConnectionOptions | false;
}

/**
 * pg's stand-in for a missing password, called only when the server asks for one: it fails as libpq's
 * "no password supplied" does. (An empty string would not do: pg takes it for unset and falls back to
 * its own deprecated .pgpass reader, which writes to stderr.)
 */
function noPassword(env: SessionOptions['env']): () => Promise<string> {
  return async () => {
    throw new NoPasswordError(await ignoredPasswordFile(env));
  };
}

/**
 * The pg configuration of every pooltune connection. `boundAtStartup` sends the timeouts in the startup
 * packet (probe connections); the main session sets them itself after reading the server's values.
 */
function clientConfig(
  target: ConnectionTarget,
  credentials: Credentials,
  options: SessionOptions,
  boundAtStartup: boolean,
): pg.ClientConfig {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: credentials.password ?? noPassword(options.env),
    ssl: credentials.ssl,
    application_name: SESSION_APPLICATION_NAME,
    options: READ_ONLY_STARTUP_OPTION,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
    keepAlive: true,
    ...(boundAtStartup
      ? {
          statement_timeout: statementTimeoutMs,
          lock_timeout: lockTimeoutFor(statementTimeoutMs),
          idle_in_transaction_session_timeout: statementTimeoutMs,
        }
      : {}),
  };
}

async function connectClient(config: pg.ClientConfig): Promise<{ client: pg.Client; connectMs: number }> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client(config);
  // A late socket error after we gave up must not crash the process.
  client.on('error', () => undefined);
  const started = performance.now();
  try {
    await client.connect();
    return { client, connectMs: performance.now() - started };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** The pool settings pg.Pool can honour. `null` timeouts mean none; idle connections are kept by default. */
export interface PoolShape {
  readonly max: number;
  readonly min?: number;
  readonly acquireTimeoutMs: number;
  readonly idleTimeoutMs?: number | null;
  readonly maxLifetimeMs?: number | null;
}

/** An open main session, and what later probe connections need to connect the same way. */
export interface OpenSession {
  readonly session: Session;
  /** TCP, TLS, authentication and start-up of this session, in ms. */
  readonly connectMs: number;
  /** Opens one more bounded connection the same way and times it; the caller ends it. */
  probeClient(): Promise<{ client: pg.Client; connectMs: number }>;
  /** A pg.Pool of bounded connections made the same way; tracked until the caller closes it. */
  probePool(shape: PoolShape): Promise<{ pool: pg.Pool; close: () => Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Opens the main read-only session. Connection failures become ConnectionError (exit 3) with one line
 * and a hint; the session is tracked so that a signal can close it.
 */
export async function openSession(target: ConnectionTarget, options: SessionOptions): Promise<OpenSession> {
  const ctx = { ...target, display: describeTarget(target), connectTimeoutMs: options.connectTimeoutMs };
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  let credentials: Credentials;
  let connected: { client: pg.Client; connectMs: number };
  let serverDefaults: Map<string, SettingRow>;
  try {
    const password = target.password ?? (await passwordFromPgpass(target, options.env));
    credentials = { password, ssl: await tlsOptions(target) };
    try {
      connected = await connectClient(clientConfig(target, credentials, options, false));
    } catch (error) {
      // libpq's "prefer": try TLS first, and go on without it when the server has none.
      if (target.sslMode !== 'prefer' || !/does not support SSL/i.test((error as Error).message)) throw error;
      credentials = { password, ssl: false };
      connected = await connectClient(clientConfig(target, credentials, options, false));
    }
    try {
      serverDefaults = await boundSession(connected.client, statementTimeoutMs);
    } catch (error) {
      await connected.client.end().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw connectionErrorFrom(error, ctx);
  }
  const { client } = connected;
  const untrack = track(() => client.end());
  const probeConfig = clientConfig(target, credentials, options, true);
  return {
    connectMs: connected.connectMs,
    session: {
      query: async (text, values) => {
        try {
          return (await client.query(text, values)).rows;
        } catch (error) {
          throw sessionErrorFrom(error, ctx);
        }
      },
      serverDefaults,
      route: { throughPooler: false, announcedPid: announcedPid(client), backendPid: announcedPid(client) ?? 0 },
    },
    probeClient: async () => {
      try {
        return await connectClient(probeConfig);
      } catch (error) {
        throw connectionErrorFrom(error, ctx);
      }
    },
    probePool: async (shape) => {
      const { default: pgModule } = await import('pg');
      const pool = new pgModule.Pool({
        ...probeConfig,
        max: shape.max,
        min: shape.min ?? 0,
        connectionTimeoutMillis: shape.acquireTimeoutMs,
        // pg.Pool reads 0 as "never": never close idle connections, never retire old ones.
        idleTimeoutMillis: shape.idleTimeoutMs ?? 0,
        maxLifetimeSeconds: shape.maxLifetimeMs ? Math.max(1, Math.round(shape.maxLifetimeMs / 1000)) : 0,
      });
      // An error on a connection that a worker holds goes to the client, not the pool: without a listener
      // a server that dies mid-probe would crash the process instead of failing the probe.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      const untrackPool = track(() => pool.end());
      return {
        pool,
        close: async () => {
          untrackPool();
          await pool.end().catch(() => undefined);
        },
      };
    },
    close: async () => {
      untrack();
      await client.end().catch(() => undefined);
    },
  };
}

/** Opens one read-only session, runs `work`, and always closes the session, whatever happens. */
export async function withSession<T>(
  target: ConnectionTarget,
  options: SessionOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const opened = await openSession(target, options);
  try {
    return await work(opened.session);
  } finally {
    await opened.close();
  }
}
