import type { Fix } from '../findings.js';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../guide.js';
import type { ServerFacts } from '../server-facts.js';
import { inSettingUnit, providerSettingWay } from '../provider/setting-way.js';
import { mayAlterSystem } from '../provider/privileges.js';
import { formatDuration } from '../units.js';

/** What a server-wide fix needs to know of the server and the role to say who may apply it, and how. */
export type SettingAccess = Pick<ServerFacts, 'privileges' | 'provider' | 'currentRole' | 'serverVersionNum'>;

/** The access part of the facts, for inputs (budgets, plans) that carry it without the whole facts. */
export function settingAccess(facts: ServerFacts): SettingAccess {
  return {
    privileges: facts.privileges,
    provider: facts.provider,
    currentRole: facts.currentRole,
    serverVersionNum: facts.serverVersionNum,
  };
}

/**
 * A server-wide setting set the way this role can, the one place every server-wide fix comes from:
 * ALTER SYSTEM when the role may run it (superuser, or PostgreSQL 15+'s GRANT ALTER SYSTEM ON PARAMETER);
 * a user-context setting for the role's own sessions or database when it may not (scopedSettingFix);
 * otherwise the managed provider's way (parameter group, database flag, server parameter), or on a
 * self-hosted server the ALTER SYSTEM a superuser must run, said as such. postmaster settings need a
 * restart, the others a reload. Without the facts (health, monitor) who runs it is unknown and the fix is
 * the ALTER SYSTEM statement as before.
 */
export function serverSettingFix(facts: ServerFacts | undefined, name: string, value: string | number): Fix {
  if (!facts) {
    return {
      sql: [`ALTER SYSTEM SET ${name} = ${settingLiteral(value)};`, 'SELECT pg_reload_conf();'],
      reload: true,
    };
  }
  const setting = facts.settings.get(name);
  const context = setting?.context ?? 'sighup';
  if (!mayAlterSystem(facts.privileges, name) && context === 'user')
    return scopedSettingFix(facts, name, value);
  return settingFixFor(settingAccess(facts), name, value, { context, unit: setting?.unit ?? null });
}

/**
 * serverSettingFix for a setting whose context and unit the caller knows, with only the access facts
 * (sizing and plan checks carry those, not the whole facts). Absent access: the ALTER SYSTEM statement.
 */
export function settingFixFor(
  access: SettingAccess | undefined,
  name: string,
  value: string | number,
  setting: { readonly context: string; readonly unit: string | null },
): Fix {
  const restart = setting.context === 'postmaster';
  const statement = alterSystemStatement(name, value, setting.context);
  if (!access || mayAlterSystem(access.privileges, name)) return statement;
  const when = { restart, reload: !restart };
  if (access.provider) {
    const way = providerSettingWay(access.provider, name, inSettingUnit(value, setting.unit), restart);
    // Crunchy Bridge's top role is a superuser: its way is the ALTER SYSTEM, run as that role.
    const sql = access.provider.id === 'crunchy-bridge' ? (statement.sql ?? []) : [];
    return {
      ...(sql.length > 0 ? { sql } : {}),
      ...(way.commands.length > 0 ? { commands: way.commands } : {}),
      where: `${access.provider.name}, ${way.where}`,
      ...when,
    };
  }
  const grant =
    access.serverVersionNum >= 150000
      ? `; or a superuser first runs GRANT ALTER SYSTEM ON PARAMETER ${name} TO ${quoteIdentifier(access.currentRole)};`
      : '';
  return {
    ...statement,
    where: `as a superuser: role ${access.currentRole} may not ALTER SYSTEM ${name}${grant}`,
  };
}

/** max_connections as settingFixFor needs it: a postmaster setting, a plain number. */
export const MAX_CONNECTIONS_SETTING = { context: 'postmaster', unit: null } as const;

/** The ALTER SYSTEM statement, and the reload that follows it unless the setting waits for a restart. */
function alterSystemStatement(name: string, value: string | number, context: string): Fix {
  const statement = `ALTER SYSTEM SET ${name} = ${settingLiteral(value)};`;
  const restart = context === 'postmaster';
  return { sql: [statement, ...(restart ? [] : ['SELECT pg_reload_conf();'])], restart, reload: !restart };
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
  const system = serverWideAlternative(facts, name, `ALTER SYSTEM ${assignment} SELECT pg_reload_conf();`);
  // ALTER DATABASE needs the database's owner; the role still sees the statement, marked as the owner's.
  const byOwner = facts.privileges.ownsDatabase ? '' : ' (its owner runs it)';
  const sql = facts.isSuperuser
    ? [
        database,
        `-- or, for the application's role only: ALTER ROLE <application role> ${assignment}`,
        `-- or, server-wide, for every role${system}`,
      ]
    : [
        role,
        `-- or, for the whole database${byOwner}: ${database}`,
        `-- or, server-wide, for every role${system}`,
      ];
  return { sql, newSessions: true };
}

/** The server-wide alternative of a scoped fix, as the role can have it applied: ": ALTER SYSTEM …" or who does it. */
function serverWideAlternative(facts: ServerFacts, name: string, system: string): string {
  if (mayAlterSystem(facts.privileges, name)) return `: ${system}`;
  if (facts.provider)
    return `, ${facts.provider.name}'s server parameter ${name} (the role may not ALTER SYSTEM)`;
  return ` (a superuser runs it): ${system}`;
}

/**
 * The guide's cure for sessions left idle inside a transaction: its idle_in_transaction_session_timeout,
 * server-wide as the guide sets it, because such a transaction holds its locks and holds back vacuum
 * whoever's session it is, administrators' included.
 */
export function idleInTransactionTimeoutFix(facts?: ServerFacts): Fix {
  return serverSettingFix(
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
