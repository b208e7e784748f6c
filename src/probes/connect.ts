import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { CancelledError, UsageError, type PooltuneError } from '../core/errors.js';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../core/guide.js';
import { NoPasswordError, connectionErrorFrom, sessionErrorFrom } from './connection-errors.js';
import { ignoredPasswordFile, passwordFromPgpass } from './pgpass.js';
import { track } from './open-connections.js';
import { describeTarget, type ConnectionTarget } from './target.js';
import type { SessionRoute } from '../core/server-facts.js';
import {
  boundsFor,
  guardedOwnStatement,
  guardedQuery,
  sessionBoundsSql,
  sessionStateLeftBy,
  type StatementBounds,
} from './guard.js';
import { SESSION_APPLICATION_NAME } from './session-name.js';

/** Every pooltune session names itself, is read-only, and cannot run or wait for long. */
export { DEFAULT_STATEMENT_TIMEOUT_MS, SESSION_APPLICATION_NAME };

export interface SessionOptions {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Gives up opening the session when it fires: a service told to stop must not wait out the connect
   * timeout of a host that took the connection and says nothing.
   */
  readonly stop?: AbortSignal;
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
  /** Runs a statement whose rows nobody reads (a timed probe), as OpenSession.runStatement does. */
  runStatement(statement: string, origin: 'own' | 'user'): Promise<void>;
  /**
   * Through a pooler: runs a user's statement once and says what it left on the server connection that a
   * rollback does not undo (undone already); [] directly, where the connection is pooltune's alone.
   */
  sessionStateLeftBy(statement: string): Promise<string[]>;
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

// Read-only from the first statement on: a startup option, not a SET that could come too late. Sent only
// on connections known to reach PostgreSQL itself: a pooler refuses it, or drops it when told to ignore it.
const READ_ONLY_STARTUP_OPTION = '-c default_transaction_read_only=on';
// A client-side bound on top of statement_timeout, for a server that stops answering altogether.
const CLIENT_GRACE_MS = 2000;

/** The pid the login's BackendKeyData announced; pg keeps it but its types do not say so. */
function announcedPid(client: pg.ClientBase): number | null {
  const pid = (client as pg.ClientBase & { processID?: number | null }).processID;
  return typeof pid === 'number' ? pid : null;
}

const settingNames = OWN_SESSION_SETTINGS.map((name) => `'${name}'`).join(', ');

interface FirstLook {
  readonly serverDefaults: Map<string, SettingRow>;
  readonly route: SessionRoute;
}

/**
 * The main session's first transaction, read-only and bounded like every later one: the server's own values
 * of the settings pooltune bounds (read before its SET LOCALs hide them), and the backend that answered.
 * A backend pid other than the one announced at login means a pooler sits in between (PgBouncer, PgCat and
 * PgDog announce keys of their own). Direct, the connection is pooltune's alone and is bounded for good.
 */
async function firstLook(client: pg.Client, bounds: StatementBounds): Promise<FirstLook> {
  // Before any SET LOCAL, which would show as the session's own value; one round trip, rolled back.
  const results = (await client.query(
    `BEGIN READ ONLY; select name, setting, unit, source, context, pending_restart, pg_backend_pid() as pid
       from pg_settings where name in (${settingNames}); ROLLBACK`,
  )) as unknown as pg.QueryResult<SettingRow & { pid: number }>[];
  const settings = results[1] ?? { rows: [] };
  const backendPid = settings.rows[0]?.pid ?? 0;
  const announced = announcedPid(client);
  const route: SessionRoute = {
    throughPooler: announced !== backendPid,
    announcedPid: announced,
    backendPid,
  };
  if (!route.throughPooler) await client.query(sessionBoundsSql(bounds));
  const serverDefaults = new Map(
    settings.rows.map(({ pid: _pid, ...row }) => [row.name, row] as [string, SettingRow]),
  );
  return { serverDefaults, route };
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
 * The pg configuration of pooltune's connections. `bare` sends nothing a pooler could refuse or keep: no
 * name, no options, no timeouts (the main session, and every connection through a pooler). `bounded` is for
 * probe connections to a server already known to be PostgreSQL itself: read-only and bounded from login on.
 */
function clientConfig(
  target: ConnectionTarget,
  credentials: Credentials,
  options: SessionOptions,
  profile: 'bare' | 'bounded',
): pg.ClientConfig {
  const bounds = boundsFor(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: credentials.password ?? noPassword(options.env),
    ssl: credentials.ssl,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: bounds.statementTimeoutMs + CLIENT_GRACE_MS,
    keepAlive: true,
    ...(profile === 'bounded'
      ? {
          application_name: SESSION_APPLICATION_NAME,
          options: READ_ONLY_STARTUP_OPTION,
          statement_timeout: bounds.statementTimeoutMs,
          lock_timeout: bounds.lockTimeoutMs,
          idle_in_transaction_session_timeout: bounds.idleInTransactionTimeoutMs,
        }
      : {}),
  };
}

/**
 * Drops a client's socket at once. pg's end() on a client still logging in says goodbye and waits for the
 * server to close, which a host that never answers does not do; destroying the socket (as pg's own connect
 * timeout does) makes a pending connect or query fail now.
 */
function cutOff(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

async function connectClient(
  config: pg.ClientConfig,
  /** Told the client before it connects, so that a stop can cut it off mid-login. */
  created?: (client: pg.Client) => void,
): Promise<{ client: pg.Client; connectMs: number }> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client(config);
  // A late socket error after we gave up must not crash the process.
  client.on('error', () => undefined);
  created?.(client);
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

/**
 * What probe connections need: open them the way the main session was opened, and run statements on them
 * read-only and bounded as the route requires. A bench worker thread rebuilds this from a ProbeSpec.
 */
export interface ProbeAccess {
  /** Directly to PostgreSQL, or through a pooler (then nothing of pooltune's may outlive a transaction). */
  readonly route: SessionRoute;
  /**
   * Runs one statement on a probe connection, read-only and bounded as the route requires. `own`: pooltune
   * wrote it (SELECT 1, bench's synthetic work), so through a pooler it may share one round trip with its
   * guard; a user's --query is checked read-only before it runs, and may hold one statement only.
   */
  runStatement(client: pg.ClientBase, statement: string, origin: 'own' | 'user'): Promise<void>;
  /** The server backend behind a probe connection, to cancel its query; null through a pooler. */
  backendPidOf(client: pg.ClientBase): number | null;
  /** Why a probe connection to this target failed, in one line with a hint, as for the main session. */
  connectionError(error: unknown): PooltuneError;
  /** Opens one more bounded connection the same way and times it; the caller ends it. */
  probeClient(): Promise<{ client: pg.Client; connectMs: number }>;
  /** A pg.Pool of bounded connections made the same way; tracked until the caller closes it. */
  probePool(shape: PoolShape): Promise<{ pool: pg.Pool; close: () => Promise<void> }>;
}

/**
 * Everything ProbeAccess is made from, as plain data a worker thread can be given (workerData): the
 * target with the password the main session logged in with, whether TLS was on, and the route. It holds a
 * password: it goes to a worker of this process and to pg, never into output.
 */
export interface ProbeSpec {
  readonly target: ConnectionTarget;
  readonly tls: boolean;
  readonly route: SessionRoute;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** An open main session, and what later probe connections need to connect the same way. */
export interface OpenSession extends ProbeAccess {
  readonly session: Session;
  /** TCP, TLS, authentication and start-up of this session, in ms. */
  readonly connectMs: number;
  /** What a worker thread needs to open probe connections the same way (see ProbeSpec). */
  probeSpec(): ProbeSpec;
  close(): Promise<void>;
}

/** The probe side of a session: connections made with `credentials`, statements run as `route` requires. */
function probeAccess(
  target: ConnectionTarget,
  credentials: Credentials,
  route: SessionRoute,
  options: SessionOptions,
): ProbeAccess {
  const ctx = { ...target, display: describeTarget(target), connectTimeoutMs: options.connectTimeoutMs };
  const bounds = boundsFor(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  // Through a pooler every connection goes bare and every statement in its own guarded transaction.
  const probeConfig = clientConfig(target, credentials, options, route.throughPooler ? 'bare' : 'bounded');
  return {
    route,
    runStatement: async (on, statement, origin) => {
      if (route.throughPooler && origin === 'own') await guardedOwnStatement(on, bounds, statement);
      else if (route.throughPooler) await guardedQuery(on, bounds, statement);
      else await on.query(statement);
    },
    connectionError: (error) => connectionErrorFrom(error, ctx),
    backendPidOf: (on) => (route.throughPooler ? null : announcedPid(on)),
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
  };
}

/** In a worker thread: probe connections made exactly as the main session's spec says. */
export async function probeAccessFrom(spec: ProbeSpec): Promise<ProbeAccess> {
  const credentials = {
    password: spec.target.password,
    ssl: spec.tls ? await tlsOptions(spec.target) : false,
  };
  // The worker never reads a password file: the spec carries the password the main session used.
  return probeAccess(spec.target, credentials, spec.route, {
    connectTimeoutMs: spec.connectTimeoutMs,
    statementTimeoutMs: spec.statementTimeoutMs,
    env: {},
  });
}

/**
 * Opens the main read-only session. Connection failures become ConnectionError (exit 3) with one line
 * and a hint; the session is tracked so that a signal can close it.
 */
export async function openSession(target: ConnectionTarget, options: SessionOptions): Promise<OpenSession> {
  const ctx = { ...target, display: describeTarget(target), connectTimeoutMs: options.connectTimeoutMs };
  const bounds = boundsFor(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  let credentials: Credentials;
  let connected: { client: pg.Client; connectMs: number };
  let look: FirstLook;
  // One stop for the whole attempt (login, the TLS retry of "prefer", the first look): it cuts off whichever
  // client is logging in.
  let current: pg.Client | undefined;
  const giveUp = () => current && cutOff(current);
  const creating = (client: pg.Client) => {
    current = client;
    if (options.stop?.aborted) cutOff(client);
  };
  options.stop?.addEventListener('abort', giveUp, { once: true });
  try {
    options.stop?.throwIfAborted();
    const password = target.password ?? (await passwordFromPgpass(target, options.env));
    credentials = { password, ssl: await tlsOptions(target) };
    try {
      connected = await connectClient(clientConfig(target, credentials, options, 'bare'), creating);
    } catch (error) {
      // libpq's "prefer": try TLS first, and go on without it when the server has none.
      if (target.sslMode !== 'prefer' || !/does not support SSL/i.test((error as Error).message)) throw error;
      credentials = { password, ssl: false };
      connected = await connectClient(clientConfig(target, credentials, options, 'bare'), creating);
    }
    try {
      look = await firstLook(connected.client, bounds);
    } catch (error) {
      await connected.client.end().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (options.stop?.aborted) throw new CancelledError('stopped while connecting');
    throw connectionErrorFrom(error, ctx);
  } finally {
    options.stop?.removeEventListener('abort', giveUp);
  }
  const { client } = connected;
  const { route, serverDefaults } = look;
  const untrack = track(() => client.end());
  const probes = probeAccess(target, credentials, route, options);
  const run = async <R extends pg.QueryResultRow>(on: pg.ClientBase, text: string, values?: unknown[]) =>
    route.throughPooler ? guardedQuery<R>(on, bounds, text, values) : on.query<R>(text, values);
  return {
    ...probes,
    connectMs: connected.connectMs,
    session: {
      query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        try {
          return (await run<R>(client, text, values)).rows;
        } catch (error) {
          throw sessionErrorFrom(error, ctx);
        }
      },
      serverDefaults,
      route,
      runStatement: async (statement, origin) => {
        try {
          await probes.runStatement(client, statement, origin);
        } catch (error) {
          throw sessionErrorFrom(error, ctx);
        }
      },
      sessionStateLeftBy: async (statement) => {
        if (!route.throughPooler) return [];
        try {
          return await sessionStateLeftBy(client, bounds, statement);
        } catch (error) {
          throw sessionErrorFrom(error, ctx);
        }
      },
    },
    probeSpec: () => ({
      target: { ...target, password: credentials.password },
      tls: credentials.ssl !== false,
      route,
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: bounds.statementTimeoutMs,
    }),
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
