/**
 * How pooltune keeps a connection read-only and bounded without a startup parameter a pooler would refuse
 * (or drop), and without a session setting a transaction-mode pooler would hand to its next client.
 *
 * Direct to PostgreSQL the connection is pooltune's alone, so it is bounded once per session. Through a
 * pooler every statement runs in its own `BEGIN READ ONLY` transaction with `SET LOCAL` limits, which end
 * with it; the server connection goes back to the pool exactly as it came.
 */
import type pg from 'pg';
import { SESSION_APPLICATION_NAME } from './session-name.js';

/** The limits on every pooltune statement. */
export interface StatementBounds {
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
}

export const boundsFor = (statementTimeoutMs: number): StatementBounds => ({
  statementTimeoutMs,
  lockTimeoutMs: Math.min(statementTimeoutMs, 5000),
  idleInTransactionTimeoutMs: statementTimeoutMs,
});

const limits = (b: StatementBounds): [string, number][] => [
  ['statement_timeout', b.statementTimeoutMs],
  ['lock_timeout', b.lockTimeoutMs],
  ['idle_in_transaction_session_timeout', b.idleInTransactionTimeoutMs],
];

/** For a connection of pooltune's own: read-only, named and bounded for the rest of the session. */
export function sessionBoundsSql(b: StatementBounds): string {
  return [
    'SET default_transaction_read_only = on',
    `SET application_name = '${SESSION_APPLICATION_NAME}'`,
    ...limits(b).map(([name, ms]) => `SET ${name} = ${Math.round(ms)}`),
  ].join('; ');
}

/**
 * Opens one read-only transaction with pooltune's name and limits local to it, and asks whether it is
 * read-only indeed: a pooler that rewrote or dropped the BEGIN must not get a statement through.
 */
export function transactionGuardSql(b: StatementBounds): string {
  return [
    'BEGIN READ ONLY',
    `SET LOCAL application_name = '${SESSION_APPLICATION_NAME}'`,
    ...limits(b).map(([name, ms]) => `SET LOCAL ${name} = ${Math.round(ms)}`),
    "SELECT current_setting('transaction_read_only') AS read_only",
  ].join('; ');
}

/** The guard found a transaction that is not read-only: nothing was run in it. */
export class NotReadOnlyError extends Error {
  readonly code = '25006';
  constructor() {
    super('the transaction pooltune opened is not read-only, so nothing was run in it');
  }
}

type Rows<R extends pg.QueryResultRow> = pg.QueryResult<R>;

/**
 * Runs `text` alone in a guarded transaction on `client` and rolls it back whatever happens. The
 * statement goes through the extended protocol, which takes one statement only: `COMMIT; INSERT …` in a
 * user's query cannot step out of the read-only transaction.
 */
export async function guardedQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  bounds: StatementBounds,
  text: string,
  values?: unknown[],
): Promise<Rows<R>> {
  const opened = (await client.query(transactionGuardSql(bounds))) as unknown as Rows<{
    read_only: string;
  }>[];
  const check = opened[opened.length - 1];
  if (check?.rows[0]?.read_only !== 'on') {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new NotReadOnlyError();
  }
  // pg's types do not know queryMode; it makes pg use the extended protocol even without values.
  const statement: pg.QueryConfig & { queryMode: 'extended' } = {
    text,
    ...(values ? { values } : {}),
    queryMode: 'extended',
  };
  try {
    return await client.query<R>(statement);
  } finally {
    // Rolled back, never committed: a read-only transaction has nothing to keep, and a session-level SET
    // that a user's statement may have made is undone with it instead of staying on a pooled connection.
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * One of pooltune's own statements (never a user's) in its own read-only transaction, in one round trip:
 * the guard, the statement and the rollback go as one simple-protocol string, as an application's single
 * statement would cost. A failure leaves the transaction aborted, so it is rolled back apart.
 */
export async function guardedOwnStatement(
  client: pg.ClientBase,
  bounds: StatementBounds,
  statement: string,
): Promise<void> {
  const guard = transactionGuardSql(bounds).replace(
    "; SELECT current_setting('transaction_read_only') AS read_only",
    '',
  );
  try {
    await client.query(`${guard}; ${statement}; ROLLBACK`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * What a statement can leave on its server connection that no rollback undoes: prepared statements made
 * by SQL PREPARE, and session-level advisory locks. Held locks are listed with how to release them.
 */
const SESSION_STATE_SQL = `SELECT
  coalesce((SELECT array_agg(name ORDER BY name) FROM pg_prepared_statements WHERE from_sql), '{}') AS prepared,
  coalesce((SELECT array_agg(
      CASE WHEN objsubid = 1 THEN ((classid::bigint << 32) | objid::bigint)::text
           ELSE (classid::bigint - CASE WHEN classid::bigint > 2147483647 THEN 4294967296 ELSE 0 END)::text || ', '
             || (objid::bigint - CASE WHEN objid::bigint > 2147483647 THEN 4294967296 ELSE 0 END)::text
      END || CASE WHEN mode = 'ShareLock' THEN ' shared' ELSE '' END)
    FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted), '{}') AS advisory`;

interface SessionState {
  readonly prepared: string[];
  /** "42", "1, 2", "42 shared": the key (one bigint or two integers) and the mode. */
  readonly advisory: string[];
}

async function sessionState(client: pg.ClientBase): Promise<SessionState> {
  const { rows } = await client.query<SessionState>(SESSION_STATE_SQL);
  return rows[0] ?? { prepared: [], advisory: [] };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Releases one hold of an advisory lock named as SESSION_STATE_SQL names it; true when one was held. */
async function releaseAdvisory(client: pg.ClientBase, lock: string): Promise<boolean> {
  const shared = lock.endsWith(' shared');
  const keys = (shared ? lock.slice(0, -' shared'.length) : lock).split(', ').map(Number);
  if (keys.some((k) => !Number.isSafeInteger(k))) return false;
  const fn = shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
  const args = keys.length === 1 ? '$1::bigint' : '$1::int, $2::int';
  const { rows } = await client.query<{ released: boolean }>(`SELECT ${fn}(${args}) AS released`, keys);
  return rows[0]?.released === true;
}

/**
 * A user's statement run once, alone, in a guarded transaction, to see whether it leaves on the server
 * connection something a rollback does not undo (a transaction-mode pooler would hand it to the next
 * client): whatever it left is undone before the rollback, and described. Only state that was not there
 * before counts, so that what another client left on a pooled connection is neither blamed nor touched.
 */
export async function sessionStateLeftBy(
  client: pg.ClientBase,
  bounds: StatementBounds,
  text: string,
): Promise<string[]> {
  const opened = (await client.query(transactionGuardSql(bounds))) as unknown as Rows<{
    read_only: string;
  }>[];
  if (opened[opened.length - 1]?.rows[0]?.read_only !== 'on') {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new NotReadOnlyError();
  }
  try {
    const before = await sessionState(client);
    // A statement that fails may still have taken a lock before it did: back to the savepoint, the
    // transaction can be read again. Its error is not this check's to report; the probes that run it will.
    await client.query('SAVEPOINT pooltune_check');
    await client
      .query({ text, queryMode: 'extended' } as pg.QueryConfig)
      .catch(() => client.query('ROLLBACK TO SAVEPOINT pooltune_check'));
    const after = await sessionState(client);
    const left: string[] = [];
    for (const name of after.prepared.filter((p) => !before.prepared.includes(p))) {
      await client.query(`DEALLOCATE ${quoteIdent(name)}`);
      left.push(`a prepared statement (${name})`);
    }
    for (const lock of after.advisory.filter((l) => !before.advisory.includes(l))) {
      // A lock taken twice is held twice. A transaction-level lock is not released here (false at once):
      // the rollback ends it, and it is no finding.
      let holds = 0;
      while (holds < 1000 && (await releaseAdvisory(client, lock))) holds += 1;
      if (holds > 0) left.push(`a session-level advisory lock (${lock})`);
    }
    return left;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
