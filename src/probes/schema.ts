import {
  describeTriggerType,
  sqlIdentifier,
  type CatalogIndex,
  type CatalogObjects,
  type CatalogSnapshot,
  type CatalogTable,
  type CatalogTrigger,
  type MigrationLedger,
  type RelationKind,
  type SchemaSpec,
  type Unreadable,
} from '../core/schema/types.js';
import type { Session } from './connect.js';

const INSUFFICIENT_PRIVILEGE = '42501';

const RELATION_KINDS: Readonly<Record<string, RelationKind>> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};

/** The catalogs readCatalog reads, for the GRANT a locked-down server needs. */
const CATALOGS_READ = ['pg_namespace', 'pg_class', 'pg_attribute', 'pg_index', 'pg_trigger', 'pg_proc'];

function refused(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === INSUFFICIENT_PRIVILEGE;
}

const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0] ?? '';

interface IdentityRow {
  version_num: number;
  role: string;
  search_path: string;
  schema: string | null;
  schema_exists: boolean;
}

interface RelationRow {
  schema: string;
  name: string;
  kind: string;
  columns: { name: string; type: string; nullable: boolean }[];
}

interface IndexRow {
  name: string;
  table: string;
  columns: (string | null)[];
  unique: boolean;
  primary: boolean;
  valid: boolean;
}

interface TriggerRow {
  name: string;
  table: string;
  type: number;
  enabled: string;
  function: string;
}

/**
 * Everything about the spec's objects in four catalog queries, whatever their number. pg_catalog rather
 * than information_schema: the latter hides columns and triggers of tables the role has no privilege on,
 * which would read as "missing".
 */
async function readObjects(
  session: Session,
  spec: SchemaSpec,
  schema: string | null,
  versionNum: number,
): Promise<{ objects: CatalogObjects; ledgerTableFound: boolean }> {
  const tableNames = spec.tables.map((t) => t.name);
  const ledgerTable = spec.migrations?.table;
  // Relations of these names in any schema: those elsewhere explain a "missing" table that was created
  // under another search_path. Columns only for the schema looked in.
  const relations = await session.query<RelationRow>(
    `select n.nspname as schema, c.relname as name, c.relkind::text as kind,
            coalesce(json_agg(json_build_object('name', a.attname,
                                                'type', format_type(a.atttypid, a.atttypmod),
                                                'nullable', not a.attnotnull) order by a.attnum)
                       filter (where a.attnum is not null), '[]') as columns
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attribute a
              on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and n.nspname = $1
      where c.relname = any($2::text[])
        and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and n.nspname <> 'information_schema' and n.nspname !~ '^pg_(catalog|toast|temp_)'
      group by n.nspname, c.relname, c.relkind
      order by n.nspname, c.relname`,
    [schema, [...tableNames, ...(ledgerTable ? [ledgerTable] : [])]],
  );
  // INCLUDE columns (11+) are carried, not searched: only key columns say what an index is for.
  const keyColumns = versionNum >= 110000 ? 'x.indnkeyatts' : 'x.indnatts';
  const indexes = await session.query<IndexRow>(
    `select i.relname as name, t.relname as table, x.indisunique as unique, x.indisprimary as primary,
            x.indisvalid as valid,
            array(select a.attname::text
                    from unnest(x.indkey::int2[]) with ordinality as k(attnum, position)
                    left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
                   where k.position <= ${keyColumns}
                   order by k.position) as columns
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and (t.relname = any($2::text[]) or i.relname = any($3::text[]))
      order by i.relname`,
    [schema, tableNames, spec.tables.flatMap((t) => t.indexes.map((x) => x.name))],
  );
  const triggers = await session.query<TriggerRow>(
    `select tg.tgname as name, c.relname as table, tg.tgtype::int as type, tg.tgenabled::text as enabled,
            p.proname as function
       from pg_trigger tg
       join pg_class c on c.oid = tg.tgrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_proc p on p.oid = tg.tgfoid
      where not tg.tgisinternal and n.nspname = $1 and c.relname = any($2::text[])
      order by c.relname, tg.tgname`,
    [schema, tableNames],
  );
  const functions =
    spec.functions.length === 0
      ? []
      : await session.query<{ name: string }>(
          `select distinct p.proname as name
             from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = $1 and p.proname = any($2::text[])
            order by 1`,
          [schema, spec.functions.map((f) => f.name)],
        );

  const inSchema = relations.filter((r) => r.schema === schema);
  const tables: CatalogTable[] = inSchema
    .filter((r) => tableNames.includes(r.name))
    .map((r) => ({ name: r.name, kind: RELATION_KINDS[r.kind] ?? 'table', columns: r.columns }));
  return {
    objects: {
      state: 'read',
      tables,
      indexes: indexes.map((r): CatalogIndex => ({ ...r })),
      triggers: triggers.map((r): CatalogTrigger => ({
        name: r.name,
        table: r.table,
        ...describeTriggerType(r.type),
        function: r.function,
        // 'O' fires in ordinary sessions, 'A' always; 'D' is disabled and 'R' fires only on replicas.
        enabled: r.enabled === 'O' || r.enabled === 'A',
      })),
      functions: functions.map((f) => f.name),
      elsewhere: relations
        .filter(
          (r) => r.schema !== schema && tableNames.includes(r.name) && (r.kind === 'r' || r.kind === 'p'),
        )
        .map((r) => ({ name: r.name, schema: r.schema })),
    },
    ledgerTableFound: ledgerTable !== undefined && inSchema.some((r) => r.name === ledgerTable),
  };
}

async function readLedger(
  session: Session,
  schema: string,
  table: string,
  role: string,
): Promise<MigrationLedger> {
  const qualified = `${sqlIdentifier(schema)}.${sqlIdentifier(table)}`;
  try {
    const rows = await session.query<{ version: string; description: string; success: boolean }>(
      `select version::text as version, description, success from ${qualified} order by version`,
    );
    return {
      state: 'read',
      rows: rows.map((r) => ({ version: Number(r.version), description: r.description, success: r.success })),
    };
  } catch (error) {
    if (!refused(error)) throw error;
    const [usage] = await session.query<{ ok: boolean }>(`select has_schema_privilege($1, 'USAGE') as ok`, [
      schema,
    ]);
    const grantee = sqlIdentifier(role);
    const grants = [
      ...(usage?.ok ? [] : [`GRANT USAGE ON SCHEMA ${sqlIdentifier(schema)} TO ${grantee};`]),
      `GRANT SELECT ON ${qualified} TO ${grantee};`,
    ];
    return {
      state: 'unreadable',
      reason: `role "${role}" may not read ${qualified} (${firstLine(error)})`,
      grant: grants.join(' '),
    };
  }
}

/**
 * Reads what the catalogs hold of the spec's objects and the migration ledger, in a handful of read-only
 * queries. A refusal (42501) becomes an Unreadable with the grant that would help, never an error.
 */
export async function readCatalog(session: Session, spec: SchemaSpec): Promise<CatalogSnapshot> {
  const [identity] = await session.query<IdentityRow>(
    `select current_setting('server_version_num')::int as version_num,
            current_user::text as role,
            current_setting('search_path') as search_path,
            coalesce($1::text, current_schema()::text) as schema,
            exists (select 1 from pg_namespace where nspname = coalesce($1::text, current_schema())) as schema_exists`,
    [spec.schema ?? null],
  );
  if (!identity) throw new Error('the server returned no identity row');
  const { role, schema } = identity;

  let objects: CatalogObjects | Unreadable;
  let ledgerTableFound = false;
  try {
    ({ objects, ledgerTableFound } = await readObjects(session, spec, schema, identity.version_num));
  } catch (error) {
    if (!refused(error)) throw error;
    objects = {
      state: 'unreadable',
      reason: `role "${role}" may not read the system catalogs (${firstLine(error)})`,
      grant: `GRANT SELECT ON ${CATALOGS_READ.map((c) => `pg_catalog.${c}`).join(', ')} TO ${sqlIdentifier(role)};`,
    };
  }

  let migrations: MigrationLedger = { state: 'not-asked' };
  if (spec.migrations) {
    if (objects.state === 'unreadable' || schema === null) {
      // Without the catalogs pooltune cannot tell an absent ledger from a hidden one; try reading it.
      migrations =
        schema === null
          ? { state: 'absent' }
          : await readLedgerIfThere(session, schema, spec.migrations.table, role);
    } else {
      migrations = ledgerTableFound
        ? await readLedger(session, schema, spec.migrations.table, role)
        : { state: 'absent' };
    }
  }

  return {
    role,
    searchPath: identity.search_path,
    schema,
    schemaExists: identity.schema_exists,
    objects,
    migrations,
  };
}

/** For when the catalogs were refused: an undefined table or schema means there is no ledger. */
async function readLedgerIfThere(
  session: Session,
  schema: string,
  table: string,
  role: string,
): Promise<MigrationLedger> {
  try {
    return await readLedger(session, schema, table, role);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01' || code === '3F000') return { state: 'absent' };
    throw error;
  }
}
