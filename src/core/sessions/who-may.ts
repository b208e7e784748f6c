import type { RolePrivileges } from '../provider/privileges.js';
import { quoteIdentifier } from '../checks/fix.js';

/** The role pooltune connected as and what it may do, for the session fixes to say who runs them. */
export interface SessionFixAccess {
  readonly role: string;
  readonly privileges: RolePrivileges;
}

/**
 * Who runs a session fix that pooltune's role may not run whole: ending another role's session takes
 * pg_signal_backend, and ALTER ROLE on another role CREATEROLE; a superuser may do both. `ended` are the
 * roles of the sessions the fix ends (null: not visible, so taken as another's); `altered` the roles it
 * sets. Undefined when the role may run all of it, or when its privileges are unknown.
 */
export function sessionFixWhere(
  access: SessionFixAccess | undefined,
  ended: readonly (string | null)[],
  altered: readonly string[],
): string | undefined {
  if (!access) return undefined;
  const { role, privileges } = access;
  const needs: string[] = [];
  if (!privileges.signalBackend && ended.some((r) => r !== role))
    needs.push(
      `pg_signal_backend to end other roles' sessions (GRANT pg_signal_backend TO ${quoteIdentifier(role)};)`,
    );
  if (!privileges.createRole && altered.some((r) => r !== role))
    needs.push('CREATEROLE (on 16+ also ADMIN OPTION on that role) to ALTER ROLE another role');
  return needs.length === 0 ? undefined : `as a superuser, or a role with ${needs.join(', and ')}`;
}
