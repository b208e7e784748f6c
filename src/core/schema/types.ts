/**
 * What a schema check expects (SchemaSpec: EventCore's built-in description or the user's spec file) and
 * what the server's catalogs hold (CatalogSnapshot). Both are plain data so that verification stays pure
 * and snapshots can be stored as test fixtures.
 */

export const TRIGGER_TIMINGS = ['BEFORE', 'AFTER', 'INSTEAD OF'] as const;
export type TriggerTiming = (typeof TRIGGER_TIMINGS)[number];
export const TRIGGER_EVENTS = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];
export const TRIGGER_LEVELS = ['ROW', 'STATEMENT'] as const;
export type TriggerLevel = (typeof TRIGGER_LEVELS)[number];

// `since` on the objects below is the migration version that creates them. A spec without migrations
// leaves it out and every object is expected; with migrations, only those of versions the ledger has.

export interface ColumnSpec {
  readonly name: string;
  /** PostgreSQL's canonical name (format_type), e.g. `timestamp with time zone`; absent: any type. */
  readonly type?: string;
  /** Absent: either. */
  readonly nullable?: boolean;
  /** Absent: the table's. */
  readonly since?: number;
}

export interface IndexSpec {
  readonly name: string;
  /** Key columns in order; absent: any. */
  readonly columns?: readonly string[];
  /** Absent: either. */
  readonly unique?: boolean;
  readonly since?: number;
}

export interface TriggerSpec {
  readonly name: string;
  readonly timing: TriggerTiming;
  readonly events: readonly TriggerEvent[];
  /** Absent: either (the facts do not always say). */
  readonly level?: TriggerLevel;
  /** The function the trigger executes, by name. */
  readonly function?: string;
  readonly since?: number;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** Key columns of the primary key, in order; absent: not checked. */
  readonly primaryKey?: readonly string[];
  readonly indexes: readonly IndexSpec[];
  readonly triggers: readonly TriggerSpec[];
  readonly since?: number;
}

export interface FunctionSpec {
  readonly name: string;
  readonly since?: number;
}

/** A published version of the software, identified by the migrations it ships: 1 to `through`. */
export interface MigrationRelease {
  readonly label: string;
  readonly through: number;
}

/** How the software records its migrations, and which migration sets its releases ship. */
export interface MigrationsSpec {
  /** The tool's ledger, in the same schema as the objects (it is created by unqualified name too). */
  readonly table: string;
  readonly tool: string;
  readonly versions: readonly { readonly version: number; readonly description: string }[];
  /** Oldest first; the last is the newest release pooltune knows. */
  readonly releases: readonly MigrationRelease[];
}

export interface SchemaSpec {
  /** How findings name what was expected: `EventCore`, or the spec file's name. */
  readonly title: string;
  /** `eventcore`, or the spec file's path as the user wrote it. */
  readonly origin: string;
  /** Absent: the first existing schema on the session's search_path (current_schema()). */
  readonly schema?: string;
  readonly tables: readonly TableSpec[];
  readonly functions: readonly FunctionSpec[];
  readonly migrations?: MigrationsSpec;
}

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';

export interface CatalogColumn {
  readonly name: string;
  /** format_type(atttypid, atttypmod) */
  readonly type: string;
  readonly nullable: boolean;
}

export interface CatalogTable {
  readonly name: string;
  readonly kind: RelationKind;
  /** In column order; empty for relations outside the schema looked in. */
  readonly columns: readonly CatalogColumn[];
}

export interface CatalogIndex {
  readonly name: string;
  readonly table: string;
  /** Key columns in order; null for an expression. */
  readonly columns: readonly (string | null)[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** False after an interrupted CREATE INDEX CONCURRENTLY: queries do not use it. */
  readonly valid: boolean;
}

export interface CatalogTrigger {
  readonly name: string;
  readonly table: string;
  readonly timing: TriggerTiming;
  readonly events: readonly TriggerEvent[];
  readonly level: TriggerLevel;
  readonly function: string;
  /** Fires in ordinary sessions (not disabled, not replica-only). */
  readonly enabled: boolean;
}

/** A spec table found in another schema than the one looked in. */
export interface TableElsewhere {
  readonly name: string;
  readonly schema: string;
}

export interface CatalogObjects {
  readonly state: 'read';
  readonly tables: readonly CatalogTable[];
  readonly indexes: readonly CatalogIndex[];
  readonly triggers: readonly CatalogTrigger[];
  readonly functions: readonly string[];
  readonly elsewhere: readonly TableElsewhere[];
}

/** The role was refused (SQLSTATE 42501): what it could not read and the grant that would let it. */
export interface Unreadable {
  readonly state: 'unreadable';
  readonly reason: string;
  readonly grant: string;
}

export interface MigrationRow {
  readonly version: number;
  readonly description: string;
  readonly success: boolean;
}

export type MigrationLedger =
  | { readonly state: 'not-asked' }
  | { readonly state: 'absent' }
  | { readonly state: 'read'; readonly rows: readonly MigrationRow[] }
  | Unreadable;

export interface CatalogSnapshot {
  readonly role: string;
  readonly searchPath: string;
  /** The schema looked in; null when the spec names none and no schema on the search_path exists. */
  readonly schema: string | null;
  readonly schemaExists: boolean;
  readonly objects: CatalogObjects | Unreadable;
  readonly migrations: MigrationLedger;
}

/** pg_trigger.tgtype bits (PostgreSQL's trigger.h). */
const TGTYPE = { row: 1, before: 2, insert: 4, delete: 8, update: 16, truncate: 32, instead: 64 } as const;

export function describeTriggerType(tgtype: number): {
  timing: TriggerTiming;
  events: TriggerEvent[];
  level: TriggerLevel;
} {
  const events: TriggerEvent[] = [];
  if (tgtype & TGTYPE.insert) events.push('INSERT');
  if (tgtype & TGTYPE.update) events.push('UPDATE');
  if (tgtype & TGTYPE.delete) events.push('DELETE');
  if (tgtype & TGTYPE.truncate) events.push('TRUNCATE');
  return {
    timing: tgtype & TGTYPE.instead ? 'INSTEAD OF' : tgtype & TGTYPE.before ? 'BEFORE' : 'AFTER',
    events,
    level: tgtype & TGTYPE.row ? 'ROW' : 'STATEMENT',
  };
}

/** An identifier as SQL needs it written: bare when it can be, double-quoted otherwise. */
export function sqlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

// PostgreSQL's reserved key words (including those allowed as function or type names): a role or
// schema so named must be quoted in the GRANT statements pooltune prints.
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate ' +
    'collation column concurrently constraint create cross current_catalog current_date current_role ' +
    'current_schema current_time current_timestamp current_user default deferrable desc distinct do else ' +
    'end except false fetch for foreign freeze from full grant group having ilike in initially inner ' +
    'intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not ' +
    'notnull null offset on only or order outer overlaps placing primary references returning right ' +
    'select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with'
  ).split(' '),
);
