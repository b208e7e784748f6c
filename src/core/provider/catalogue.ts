/**
 * The managed PostgreSQL services pooltune recognises, and the marks each leaves in the catalogs that
 * every role may read (pg_roles, pg_proc, pg_settings). Roles and functions are created by the provider
 * and weigh more; a setting prefix is weaker, because any role may define a placeholder `x.y` setting.
 * Sources: ../shared/research/topology.md §2.1.
 */
export const PROVIDER_IDS = [
  'rds',
  'aurora',
  'cloudsql',
  'azure',
  'neon',
  'supabase',
  'crunchy-bridge',
  'digitalocean',
  'aiven',
  'heroku',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ProviderMarks {
  readonly id: ProviderId;
  readonly name: string;
  /** Roles the provider creates on every server. */
  readonly roles: readonly string[];
  /** Functions the provider installs (Aurora's aurora_version). */
  readonly functions: readonly string[];
  /** Prefixes of the provider's own settings (`rds` for rds.extensions). */
  readonly settingPrefixes: readonly string[];
  /**
   * Settings of the provider's that the probe asks current_setting(name, true) for: a placeholder set in
   * postgresql.conf is hidden from pg_settings until a module defines it, but current_setting sees it.
   */
  readonly settings?: readonly string[];
  /**
   * Connection slots the provider keeps for itself, out of max_connections (topology.md §2.4): Azure 15
   * for replication and monitoring, Neon 7 for its superuser, Aurora at least 3 for AWS automation.
   */
  readonly reservedSlots?: number;
  /** A provider whose marks are also another's (Aurora has RDS's) wins when its own are seen too. */
  readonly refines?: ProviderId;
}

export const PROVIDERS: readonly ProviderMarks[] = [
  {
    id: 'rds',
    name: 'Amazon RDS',
    roles: ['rds_superuser', 'rdsadmin', 'rds_password', 'rds_replication'],
    functions: [],
    settingPrefixes: ['rds'],
    settings: ['rds.extensions', 'rds.force_ssl', 'rds.restrict_password_commands'],
  },
  {
    id: 'aurora',
    name: 'Amazon Aurora',
    roles: [],
    functions: ['aurora_version'],
    settingPrefixes: ['aurora'],
    reservedSlots: 3,
    refines: 'rds',
  },
  {
    id: 'cloudsql',
    name: 'Google Cloud SQL',
    roles: ['cloudsqlsuperuser', 'cloudsqladmin', 'cloudsqlagent', 'cloudsqlreplica', 'cloudsqlimportexport'],
    functions: [],
    settingPrefixes: ['cloudsql'],
    settings: ['cloudsql.iam_authentication', 'cloudsql.enable_pgaudit'],
  },
  {
    id: 'azure',
    name: 'Azure Database for PostgreSQL flexible server',
    roles: ['azure_pg_admin', 'azuresu'],
    functions: [],
    settingPrefixes: ['azure'],
    settings: ['azure.extensions', 'azure.accepted_password_auth_method'],
    reservedSlots: 15,
  },
  {
    id: 'neon',
    name: 'Neon',
    roles: ['neon_superuser', 'cloud_admin'],
    functions: [],
    settingPrefixes: ['neon'],
    settings: ['neon.timeline_id', 'neon.tenant_id'],
    reservedSlots: 7,
  },
  {
    id: 'supabase',
    name: 'Supabase',
    roles: ['supabase_admin', 'authenticator', 'supabase_auth_admin', 'supabase_storage_admin'],
    functions: [],
    settingPrefixes: ['supautils'],
    settings: ['supautils.reserved_roles', 'supautils.privileged_extensions'],
  },
  {
    id: 'crunchy-bridge',
    name: 'Crunchy Bridge',
    roles: ['crunchy_read', 'crunchy_write'],
    functions: [],
    settingPrefixes: [],
  },
  {
    id: 'digitalocean',
    name: 'DigitalOcean Managed PostgreSQL',
    roles: ['doadmin'],
    functions: [],
    settingPrefixes: [],
  },
  { id: 'aiven', name: 'Aiven for PostgreSQL', roles: ['avnadmin'], functions: [], settingPrefixes: [] },
  // Heroku leaves no role, function or setting of its own; its extension schema is the only (weak) sign.
  { id: 'heroku', name: 'Heroku Postgres', roles: [], functions: [], settingPrefixes: [] },
];

/** The slots a provider keeps for itself (0 when it documents none). */
export function providerReservedSlots(id: ProviderId): number {
  return PROVIDERS.find((p) => p.id === id)?.reservedSlots ?? 0;
}

/** Every role name the probe asks pg_roles about. */
export const MARKER_ROLES: readonly string[] = [...new Set(PROVIDERS.flatMap((p) => p.roles))];
/** Every function name the probe asks pg_proc about. */
export const MARKER_FUNCTIONS: readonly string[] = [...new Set(PROVIDERS.flatMap((p) => p.functions))];
/** Every setting prefix the probe asks pg_settings about. */
export const MARKER_SETTING_PREFIXES: readonly string[] = [
  ...new Set(PROVIDERS.flatMap((p) => p.settingPrefixes)),
];
/** Every named setting the probe asks current_setting about. */
export const MARKER_SETTINGS: readonly string[] = PROVIDERS.flatMap((p) => p.settings ?? []);
/** Schemas the probe asks pg_namespace about: Heroku's extension schema. */
export const MARKER_SCHEMAS: readonly string[] = ['heroku_ext'];
