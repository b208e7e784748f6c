import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { UsageError } from '../core/errors.js';
import { connectionErrorFrom, sessionErrorFrom } from './connection-errors.js';
import { passwordFromPgpass } from './pgpass.js';
import { describeTarget, type ConnectionTarget } from './target.js';

/** Every pooltune session names itself, is read-only, and cannot run or wait for long. */
export const SESSION_APPLICATION_NAME = 'pooltune';
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

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
}

async function tlsOptions(target: ConnectionTarget): Promise<ConnectionOptions | false> {
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
    `SET statement_timeout = ${statementTimeoutMs}; SET lock_timeout = ${Math.min(statementTimeoutMs, 5000)}; ` +
      `SET idle_in_transaction_session_timeout = ${statementTimeoutMs}`,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

async function openClient(target: ConnectionTarget, options: SessionOptions, ssl: ConnectionOptions | false) {
  const { default: pgModule } = await import('pg');
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const password = target.password ?? (await passwordFromPgpass(target, options.env));
  const client = new pgModule.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // pg falls back to a deprecated .pgpass reader of its own when it gets no password; an empty
    // string makes a password-less login fail with the server's own message instead.
    password: password ?? '',
    ssl,
    application_name: SESSION_APPLICATION_NAME,
    options: READ_ONLY_STARTUP_OPTION,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
    keepAlive: true,
  });
  // A late socket error after we gave up must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const serverDefaults = await boundSession(client, statementTimeoutMs);
    return { client, serverDefaults };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens one read-only session, runs `work`, and always closes the session, whatever happens.
 * Connection failures become ConnectionError (exit 3) with one line and a hint.
 */
export async function withSession<T>(
  target: ConnectionTarget,
  options: SessionOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const ctx = { ...target, display: describeTarget(target), connectTimeoutMs: options.connectTimeoutMs };
  let opened: { client: pg.Client; serverDefaults: Map<string, SettingRow> };
  try {
    const ssl = await tlsOptions(target);
    try {
      opened = await openClient(target, options, ssl);
    } catch (error) {
      // libpq's "prefer": try TLS first, and go on without it when the server has none.
      if (target.sslMode !== 'prefer' || !/does not support SSL/i.test((error as Error).message)) throw error;
      opened = await openClient(target, options, false);
    }
  } catch (error) {
    throw connectionErrorFrom(error, ctx);
  }
  const { client, serverDefaults } = opened;
  const session: Session = {
    query: async (text, values) => (await client.query(text, values)).rows,
    serverDefaults,
  };
  try {
    return await work(session);
  } catch (error) {
    throw sessionErrorFrom(error, ctx);
  } finally {
    await client.end().catch(() => undefined);
  }
}
