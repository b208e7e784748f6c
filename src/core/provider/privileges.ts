/**
 * What pooltune's role may change on the server itself, read once with the facts. A managed service's
 * customer role is not a superuser, so ALTER SYSTEM is refused there (topology.md §2.2).
 */
export interface RolePrivileges {
  /** A superuser may ALTER SYSTEM any setting. */
  readonly alterSystemAny: boolean;
  /**
   * PostgreSQL 15+: the settings pooltune reads that the role was granted ALTER SYSTEM on
   * (`GRANT ALTER SYSTEM ON PARAMETER …`); empty before 15 or without a grant.
   */
  readonly alterSystemOn: readonly string[];
  /** ALTER DATABASE … SET needs the current database's owner (or a member of its owning role). */
  readonly ownsDatabase: boolean;
  /**
   * A role may always ALTER ROLE itself SET a user-context setting. Kept as a fact so the reports can
   * say why that form comes first; `has_parameter_privilege(…, 'SET')` is not asked, because it says
   * false for settings an ordinary role can SET anyway (topology.md §0.5).
   */
  readonly alterOwnRole: true;
  /** Superuser or member of pg_signal_backend: may cancel and end other roles' sessions (its own always). */
  readonly signalBackend: boolean;
  /**
   * May ALTER ROLE another (non-superuser) role: a superuser, or CREATEROLE before 16. From 16 on CREATEROLE
   * also needs ADMIN OPTION on each role, which is not read, so a non-superuser counts as unable.
   */
  readonly createRole: boolean;
}

/** A superuser's privileges: every fix pooltune proposes is one it may run. */
export const SUPERUSER_PRIVILEGES: RolePrivileges = {
  alterSystemAny: true,
  alterSystemOn: [],
  ownsDatabase: true,
  alterOwnRole: true,
  signalBackend: true,
  createRole: true,
};

/** Whether the role may run `ALTER SYSTEM SET <name>`. */
export function mayAlterSystem(privileges: RolePrivileges, name: string): boolean {
  return privileges.alterSystemAny || privileges.alterSystemOn.includes(name);
}
