import {
  MARKER_FUNCTIONS,
  MARKER_ROLES,
  MARKER_SCHEMAS,
  MARKER_SETTING_PREFIXES,
  MARKER_SETTINGS,
} from '../core/provider/catalogue.js';
import type { ProviderMarkers } from '../core/provider/detect.js';
import type { RolePrivileges } from '../core/provider/privileges.js';
import type { Session } from './connect.js';

/**
 * The provider marks present on the server: names from pg_roles, pg_proc, pg_namespace and pg_settings,
 * which every role may read, and the provider settings current_setting knows (placeholders included). Asked by name, so a server with thousands of roles answers a few rows.
 */
export async function readProviderMarkers(session: Session): Promise<ProviderMarkers> {
  const [row] = await session.query<{
    roles: string[];
    functions: string[];
    prefixes: string[];
    schemas: string[];
  }>(
    `select array(select rolname::text from pg_roles where rolname = any($1::text[]) order by 1) as roles,
            array(select distinct proname::text from pg_proc where proname = any($2::text[]) order by 1) as functions,
            array(select prefix from (
                    select split_part(name, '.', 1) as prefix from pg_settings
                     where name like '%.%' and split_part(name, '.', 1) = any($3::text[])
                    union
                    select split_part(name, '.', 1) from unnest($5::text[]) as name
                     where current_setting(name, true) is not null) as seen order by 1) as prefixes,
            array(select nspname::text from pg_namespace where nspname = any($4::text[]) order by 1) as schemas`,
    [MARKER_ROLES, MARKER_FUNCTIONS, MARKER_SETTING_PREFIXES, MARKER_SCHEMAS, MARKER_SETTINGS],
  );
  return {
    roles: row?.roles ?? [],
    functions: row?.functions ?? [],
    settingPrefixes: row?.prefixes ?? [],
    schemas: row?.schemas ?? [],
  };
}

/**
 * What the role may change itself: ALTER SYSTEM (superuser, or on 15+ a grant per setting among
 * `settings`), ALTER DATABASE (owner of the current database, or a member of its owning role), other
 * roles' sessions (pg_signal_backend) and other roles' settings (CREATEROLE).
 */
export async function readRolePrivileges(
  session: Session,
  options: {
    readonly superuser: boolean;
    readonly serverVersionNum: number;
    readonly settings: readonly string[];
  },
): Promise<RolePrivileges> {
  const [owner] = await session.query<{ owns: boolean; signal: boolean; createrole: boolean }>(
    `select coalesce((select pg_has_role(current_user, datdba, 'USAGE') from pg_database
                       where datname = current_database()), false) as owns,
            pg_has_role(current_user, 'pg_signal_backend', 'USAGE') as signal,
            coalesce((select rolcreaterole from pg_roles where rolname = current_user), false) as createrole`,
  );
  // has_parameter_privilege (15+) answers false for a name the server does not know, never an error.
  const granted =
    options.superuser || options.serverVersionNum < 150000
      ? []
      : await session.query<{ name: string }>(
          `select name from unnest($1::text[]) as name
            where has_parameter_privilege(current_user, name, 'ALTER SYSTEM') order by 1`,
          [options.settings],
        );
  return {
    alterSystemAny: options.superuser,
    alterSystemOn: granted.map((r) => r.name),
    ownsDatabase: options.superuser || owner?.owns === true,
    alterOwnRole: true,
    signalBackend: options.superuser || owner?.signal === true,
    createRole: options.superuser || (owner?.createrole === true && options.serverVersionNum < 160000),
  };
}
