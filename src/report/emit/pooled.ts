/**
 * What every emitter does differently when the application connects through a pooler: no startup
 * parameters (PgBouncer refuses them), the statement timeout set on the role instead, and no named
 * prepared statements in transaction mode.
 */
import { alterRoleSet } from '../../core/checks/fix.js';
import type { PoolMode } from '../../core/pooler/facts.js';
import { formatDuration } from '../../core/units.js';
import type { EmitInput } from './types.js';

/** The SQL that sets the pool's statement timeout for the application's role, run once by an administrator. */
export function roleTimeoutSql(input: EmitInput): string {
  // 0 rather than nothing: a server-wide statement_timeout would otherwise apply to this pool.
  const ms = input.pool.queryTimeoutMs;
  const value = ms === null ? '0' : formatDuration(ms);
  return input.role === undefined
    ? `ALTER ROLE <application role> SET statement_timeout = '${value}';`
    : alterRoleSet(input.role, 'statement_timeout', value);
}

/** Why the timeout moved from the client's configuration to the role. */
export function startupNote(input: EmitInput, what: string): string {
  return `${what} is not sent at connect time: PgBouncer refuses startup parameters other than user, database, application_name and a few it tracks (08P01 "unsupported startup parameter"), and before 1.20 it refuses options outright. Set the timeout for the role instead, once: ${roleTimeoutSql(input)} It applies to server connections opened afterwards.`;
}

/** Why prepared statements are off in transaction mode, for the library that turns them off. */
export function preparedNote(how: string): string {
  return `${how}: in transaction mode each transaction may run on another server connection, where a statement prepared on the first does not exist. PgBouncer 1.21 and later can keep protocol-level prepared statements with max_prepared_statements; before that, or when unsure, leave them off.`;
}

/** Session mode keeps a server connection per client: a SET made when connecting stays with that client. */
export const SESSION_SET_NOTE =
  'In session mode a SET made after connecting is safe: the client keeps its server connection until it disconnects, and PgBouncer resets the connection (DISCARD ALL) before the next client gets it.';

/** Comment lines (with the language's comment marker) that print the role's SQL in the code itself. */
export function roleTimeoutComment(input: EmitInput, marker: string): string[] {
  return [
    `${marker} statement_timeout is the role's, not a startup parameter, which PgBouncer refuses. Run once:`,
    `${marker}   ${roleTimeoutSql(input)}`,
  ];
}

export const isTransactionMode = (mode: PoolMode | undefined): boolean =>
  mode === 'transaction' || mode === 'statement';
