import type { Fix } from '../findings.js';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../guide.js';
import type { ServerFacts } from '../server-facts.js';
import { formatDuration } from '../units.js';

/**
 * The ALTER SYSTEM statement that sets `name`, and what it takes to apply it, from pg_settings.context:
 * postmaster settings need a restart, the others a reload. Without the facts (health, monitor) the setting's
 * context is unknown and the fix says only that a reload applies it, which is true of every setting
 * pooltune proposes that way.
 */
export function alterSystem(facts: ServerFacts | undefined, name: string, value: string | number): Fix {
  const statement = `ALTER SYSTEM SET ${name} = ${settingLiteral(value)};`;
  if (!facts) return { sql: [statement, 'SELECT pg_reload_conf();'], reload: true };
  const context = facts.settings.get(name)?.context ?? 'sighup';
  const restart = context === 'postmaster';
  return {
    sql: [statement, ...(restart ? [] : ['SELECT pg_reload_conf();'])],
    restart,
    reload: !restart,
  };
}

/** A role or database name as a quoted SQL identifier: `my-app` → `"my-app"`, `a"b` → `"a""b"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `ALTER ROLE "<role>" SET <name> = <value>;`: the per-role form every fix that names a role prints. */
export function alterRoleSet(role: string, name: string, value: string | number): string {
  return `ALTER ROLE ${quoteIdentifier(role)} SET ${name} = ${settingLiteral(value)};`;
}

/** A setting's value as SQL: numbers bare, anything else a quoted string literal. */
function settingLiteral(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

/**
 * A per-session setting (statement_timeout and its kin) set where it belongs: for the role pooltune
 * connected as, which is the application's when the tool runs with its credentials, then for the whole
 * database, and server-wide only as the last choice, because ALTER SYSTEM reaches migrations, backups and
 * administrators' sessions too. The first statement is the one to run; the others are SQL comments, so the
 * fix still runs as printed. A superuser is not the application's role: then the database comes first and
 * the role is left for the reader to name. ALTER ROLE and ALTER DATABASE apply to sessions that start
 * afterwards, with no reload; pools pick the value up as they replace their connections.
 */
export function scopedSettingFix(facts: ServerFacts, name: string, value: string | number): Fix {
  const assignment = `SET ${name} = ${settingLiteral(value)};`;
  const role = alterRoleSet(facts.currentRole, name, value);
  const database = `ALTER DATABASE ${quoteIdentifier(facts.currentDatabase)} ${assignment}`;
  const system = `ALTER SYSTEM ${assignment} SELECT pg_reload_conf();`;
  const sql = facts.isSuperuser
    ? [
        database,
        `-- or, for the application's role only: ALTER ROLE <application role> ${assignment}`,
        `-- or, server-wide, for every role: ${system}`,
      ]
    : [role, `-- or, for the whole database: ${database}`, `-- or, server-wide, for every role: ${system}`];
  return { sql, newSessions: true };
}

/**
 * The guide's cure for sessions left idle inside a transaction: its idle_in_transaction_session_timeout,
 * server-wide as the guide sets it, because such a transaction holds its locks and holds back vacuum
 * whoever's session it is, administrators' included.
 */
export function idleInTransactionTimeoutFix(facts?: ServerFacts): Fix {
  return alterSystem(
    facts,
    'idle_in_transaction_session_timeout',
    formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
  );
}

/** Whether a server's idle_in_transaction_session_timeout (0 or null: off) lets sessions idle longer than the guide's. */
export function idleInTransactionTimeoutTooLong(timeoutMs: number | null): boolean {
  return timeoutMs === 0 || timeoutMs === null || timeoutMs > IDLE_IN_TRANSACTION_TIMEOUT_MS;
}

/** What ends a session idle in a transaction, as a clause: `sessions` names them ("it", "them"). */
export function idleInTransactionTimeoutNote(timeoutMs: number | null, sessions: string): string {
  return timeoutMs === 0 || timeoutMs === null
    ? `idle_in_transaction_session_timeout is off, so nothing ends ${sessions}`
    : `idle_in_transaction_session_timeout is ${formatDuration(timeoutMs)}`;
}
