import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Skipped } from '../../src/core/findings.js';
import { EVENTCORE_SCHEMA_SPEC } from '../../src/core/schema/eventcore.js';
import { versionList } from '../../src/core/schema/migrations.js';
import { parseSchemaSpec } from '../../src/core/schema/spec.js';
import { canonicalType } from '../../src/core/schema/type-names.js';
import {
  describeTriggerType,
  sqlIdentifier,
  type CatalogObjects,
  type CatalogSnapshot,
  type MigrationLedger,
} from '../../src/core/schema/types.js';
import { verifySchema } from '../../src/core/schema/verify.js';
import { eventcoreCatalog, fixtureText } from '../helpers/schema-fixtures.js';

const SNAPSHOTS_TABLE = 'eventcore_command_state_snapshots';

function objectsOf(snapshot: CatalogSnapshot): CatalogObjects {
  assert.equal(snapshot.objects.state, 'read');
  return snapshot.objects as CatalogObjects;
}

function ledgerRows(snapshot: CatalogSnapshot) {
  assert.equal(snapshot.migrations.state, 'read');
  return (snapshot.migrations as Extract<MigrationLedger, { state: 'read' }>).rows;
}

/** The complete 2.x fixture with changes. */
function catalog(
  change: {
    objects?: (o: CatalogObjects) => Partial<CatalogObjects>;
    migrations?: MigrationLedger;
    versions?: (v: number) => boolean;
    failed?: readonly number[];
  } = {},
): CatalogSnapshot {
  const base = eventcoreCatalog();
  const objects = objectsOf(base);
  const rows = ledgerRows(base)
    .filter((r) => change.versions?.(r.version) ?? true)
    .map((r) => ({ ...r, success: !(change.failed ?? []).includes(r.version) }));
  return {
    ...base,
    objects: { ...objects, ...change.objects?.(objects) },
    migrations: change.migrations ?? { state: 'read', rows },
  };
}

/** What migrations 1–6 (eventcore-postgres 0.4.0–1.1.1) leave: no snapshot table. */
const withoutSnapshots = (o: CatalogObjects): Partial<CatalogObjects> => ({
  tables: o.tables.filter((t) => t.name !== SNAPSHOTS_TABLE),
  indexes: o.indexes.filter((x) => x.table !== SNAPSHOTS_TABLE),
});

const EMPTY: Partial<CatalogObjects> = { tables: [], indexes: [], triggers: [], functions: [] };

function byId(result: { findings: Finding[] }, id: string): Finding {
  const found = result.findings.filter((f) => f.id === id);
  assert.equal(found.length, 1, `one ${id} finding in ${JSON.stringify(result.findings, null, 1)}`);
  return found[0] as Finding;
}

const severities = (result: { findings: Finding[]; skipped: Skipped[] }) =>
  Object.fromEntries(result.findings.map((f) => [f.id, f.severity]));

describe('verifySchema against EventCore', () => {
  it('a complete 2.x database is ok and matches 2.0.x', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, eventcoreCatalog());
    assert.deepEqual(severities(result), { 'schema-objects': 'ok', 'schema-migrations': 'ok' });
    assert.deepEqual(result.skipped, []);
    assert.equal(
      byId(result, 'schema-migrations').title,
      'Migrations 1–7 applied: matches eventcore-postgres 2.0.x',
    );
    assert.equal(
      byId(result, 'schema-objects').title,
      'Everything eventcore-postgres 2.0.x needs is in schema "public": 3 tables, 15 columns, 3 primary keys, 3 indexes, 3 triggers and 3 functions',
    );
  });

  it('migrations 1–6 match 0.4.0–1.1.1, with a note that 2.0 needs migration 7', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({ objects: withoutSnapshots, versions: (v) => v <= 6 }),
    );
    assert.deepEqual(severities(result), { 'schema-objects': 'ok', 'schema-migrations': 'info' });
    const migrations = byId(result, 'schema-migrations');
    assert.match(migrations.title, /^Migrations 1–6 applied: matches eventcore-postgres 0\.4\.0–1\.1\.1;/);
    assert.match(migrations.title, /2\.0\.x also needs migration 7 \(add command state snapshots\)/);
    assert.match(byId(result, 'schema-objects').title, /Everything eventcore-postgres 0\.4\.0–1\.1\.1 needs/);
  });

  it('migrations 1–3 match 0.2.0–0.3.0 and need 4–7 for 2.0', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        objects: (o) => ({
          tables: o.tables.filter((t) => t.name === 'eventcore_events'),
          indexes: o.indexes.filter((x) => x.table === 'eventcore_events'),
          triggers: o.triggers.filter((t) => t.name === 'eventcore_version_trigger'),
          functions: ['eventcore_assign_stream_version'],
        }),
        versions: (v) => v <= 3,
      }),
    );
    assert.deepEqual(severities(result), { 'schema-objects': 'ok', 'schema-migrations': 'info' });
    assert.match(byId(result, 'schema-migrations').title, /0\.2\.0–0\.3\.0; .* needs migrations 4 \(/);
  });

  it('an empty database is critical, listing the missing tables and functions on one readable line', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({ objects: () => EMPTY, migrations: { state: 'absent' } }),
    );
    assert.deepEqual(severities(result), { 'schema-objects': 'critical', 'schema-migrations': 'warning' });
    const objects = byId(result, 'schema-objects');
    assert.equal(
      objects.title,
      'Schema "public" lacks what eventcore-postgres 2.0.x needs: 3 tables and 3 functions missing',
    );
    assert.equal(
      objects.observed,
      'tables missing: eventcore_events (migration 1), eventcore_subscription_versions (migration 6), ' +
        'eventcore_command_state_snapshots (migration 7); functions missing: ' +
        'eventcore_assign_stream_version() (migration 3), eventcore_prevent_update() (migration 4), ' +
        'eventcore_prevent_delete() (migration 5)',
    );
    assert.doesNotMatch(
      objects.observed ?? '',
      /column|index|trigger/,
      'a missing table stands for its parts',
    );
    assert.match(byId(result, 'schema-migrations').title, /^No _sqlx_migrations table in schema "public"/);
  });

  it('no ledger but every object: says so, and still verifies the objects', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, catalog({ migrations: { state: 'absent' } }));
    assert.deepEqual(severities(result), { 'schema-objects': 'ok', 'schema-migrations': 'warning' });
    assert.match(byId(result, 'schema-migrations').expected ?? '', /would run all migrations again/);
    const missingTrigger = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        migrations: { state: 'absent' },
        objects: (o) => ({
          triggers: o.triggers.filter((t) => t.name !== 'eventcore_prevent_delete_trigger'),
        }),
      }),
    );
    assert.equal(byId(missingTrigger, 'schema-objects').severity, 'critical');
  });

  it('a failed migration is critical; the ledger still says what was applied before it', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, catalog({ objects: withoutSnapshots, failed: [7] }));
    assert.deepEqual(severities(result), {
      'schema-objects': 'ok',
      'schema-migration-failed': 'critical',
      'schema-migrations': 'info',
    });
    const failed = byId(result, 'schema-migration-failed');
    assert.equal(
      failed.title,
      'Migration 7 (add command state snapshots) failed: _sqlx_migrations records it with success = false',
    );
    assert.match(failed.expected ?? '', /delete its row from _sqlx_migrations/);
  });

  it('a migration missing in the middle is flagged, and the objects are expected up to the highest', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, catalog({ versions: (v) => v !== 4 }));
    assert.deepEqual(severities(result), { 'schema-objects': 'ok', 'schema-migrations': 'warning' });
    assert.match(byId(result, 'schema-migrations').title, /^Migrations up to 7 applied but not 4:/);
    assert.match(byId(result, 'schema-migrations').observed ?? '', /4 \(prevent event updates\)/);

    const alsoMissing = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        versions: (v) => v !== 4,
        objects: (o) => ({
          triggers: o.triggers.filter((t) => t.name !== 'eventcore_prevent_update_trigger'),
          functions: o.functions.filter((f) => f !== 'eventcore_prevent_update'),
        }),
      }),
    );
    const objects = byId(alsoMissing, 'schema-objects');
    assert.equal(objects.severity, 'critical');
    assert.equal(
      objects.observed,
      'eventcore_events: trigger eventcore_prevent_update_trigger missing (migration 4); ' +
        'function missing: eventcore_prevent_update() (migration 4)',
    );
  });

  it('a ledger that stops where no release does is a warning', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({ objects: withoutSnapshots, versions: (v) => v <= 5 }),
    );
    assert.equal(byId(result, 'schema-migrations').severity, 'warning');
    assert.match(
      byId(result, 'schema-migrations').title,
      /Migrations 1–5 applied: no release pooltune knows/,
    );
    assert.match(
      byId(result, 'schema-migrations').expected ?? '',
      /1–6 \(eventcore-postgres 0\.4\.0–1\.1\.1\)/,
    );
  });

  it('objects missing for applied migrations are critical', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        objects: (o) => ({
          tables: o.tables
            .filter((t) => t.name !== 'eventcore_subscription_versions')
            .map((t) =>
              t.name === 'eventcore_events'
                ? { ...t, columns: t.columns.filter((c) => c.name !== 'metadata') }
                : t,
            ),
          indexes: o.indexes.filter((x) => x.name !== 'eventcore_events_stream_idx'),
        }),
      }),
    );
    const objects = byId(result, 'schema-objects');
    assert.equal(objects.severity, 'critical');
    assert.equal(
      objects.title,
      'Schema "public" lacks what eventcore-postgres 2.0.x needs: 1 table, 1 column and 1 index missing',
    );
    assert.equal(
      objects.observed,
      'table missing: eventcore_subscription_versions (migration 6); ' +
        'eventcore_events: column metadata missing (migration 1), index eventcore_events_stream_idx missing (migration 1)',
    );
    assert.equal(byId(result, 'schema-migrations').severity, 'ok', 'the ledger itself is fine');
  });

  it('type and nullability differences are warnings; the objects are still all there', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        objects: (o) => ({
          tables: o.tables.map((t) =>
            t.name !== 'eventcore_events'
              ? t
              : {
                  ...t,
                  columns: t.columns.map((c) =>
                    c.name === 'event_data'
                      ? { ...c, type: 'json' }
                      : c.name === 'metadata'
                        ? { ...c, nullable: true }
                        : c,
                  ),
                },
          ),
        }),
      }),
    );
    assert.deepEqual(severities(result), {
      'schema-objects': 'ok',
      'schema-object-differences': 'warning',
      'schema-migrations': 'ok',
    });
    const differences = byId(result, 'schema-object-differences');
    assert.equal(
      differences.title,
      'Schema "public" differs from what eventcore-postgres 2.0.x expects: 2 columns',
    );
    assert.equal(
      differences.observed,
      'eventcore_events: column event_data is json, expected jsonb, column metadata allows NULL, expected NOT NULL',
    );
  });

  it('a disabled trigger and a unique index that is not unique are critical', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        objects: (o) => ({
          triggers: o.triggers.map((t) =>
            t.name === 'eventcore_prevent_update_trigger' ? { ...t, enabled: false } : t,
          ),
          indexes: o.indexes.map((x) =>
            x.name === 'eventcore_events_stream_version_idx' ? { ...x, unique: false } : x,
          ),
        }),
      }),
    );
    const objects = byId(result, 'schema-objects');
    assert.equal(
      objects.title,
      'Schema "public" lacks what eventcore-postgres 2.0.x needs: 1 index not unique; 1 trigger disabled',
    );
    assert.match(objects.observed ?? '', /ENABLE TRIGGER eventcore_prevent_update_trigger/);
  });

  it('index columns, trigger timing and validity differences are warnings', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        objects: (o) => ({
          triggers: o.triggers.map((t) =>
            t.name === 'eventcore_version_trigger' ? { ...t, timing: 'AFTER' as const } : t,
          ),
          indexes: o.indexes.map((x) =>
            x.name === 'eventcore_events_stream_idx'
              ? { ...x, columns: ['stream_id', null], valid: false }
              : x,
          ),
        }),
      }),
    );
    assert.equal(byId(result, 'schema-objects').severity, 'ok');
    const differences = byId(result, 'schema-object-differences');
    assert.match(differences.observed ?? '', /covers \(stream_id, \(expression\)\), expected \(stream_id\)/);
    assert.match(differences.observed ?? '', /is invalid/);
    assert.match(
      differences.observed ?? '',
      /eventcore_version_trigger fires AFTER INSERT FOR EACH ROW, expected BEFORE INSERT FOR EACH ROW/,
    );
  });

  it('names the schema where a missing table was found instead', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        migrations: { state: 'absent' },
        objects: () => ({ ...EMPTY, elsewhere: [{ name: 'eventcore_events', schema: 'events' }] }),
      }),
    );
    assert.match(
      byId(result, 'schema-objects').observed ?? '',
      /eventcore_events \(migration 1, present in schema "events" instead\), eventcore_subscription_versions \(migration 6\).*; role "postgres" has search_path "\$user", public$/,
    );
  });

  it('no schema on the search_path is critical, and says what the search_path was', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, {
      ...catalog({ objects: () => EMPTY, migrations: { state: 'absent' } }),
      schema: null,
      schemaExists: false,
      searchPath: 'nowhere',
    });
    assert.equal(
      byId(result, 'schema-objects').title,
      'No schema on the search_path exists for role "postgres" (search_path = nowhere), so nothing eventcore-postgres 2.0.x needs can be there',
    );
  });

  it('a ledger the role may not read is skipped with the grant; the objects are checked against 2.0.x', () => {
    const result = verifySchema(
      EVENTCORE_SCHEMA_SPEC,
      catalog({
        migrations: {
          state: 'unreadable',
          reason: 'role "app" may not read public._sqlx_migrations (permission denied)',
          grant: 'GRANT SELECT ON public._sqlx_migrations TO app;',
        },
      }),
    );
    assert.deepEqual(severities(result), { 'schema-objects': 'ok' });
    assert.deepEqual(result.skipped, [
      {
        id: 'schema-migrations',
        reason:
          'role "app" may not read public._sqlx_migrations (permission denied), so which sqlx migrations ran is not checked and the objects are checked against eventcore-postgres 2.0.x',
        enableWith: 'GRANT SELECT ON public._sqlx_migrations TO app;',
      },
    ]);
  });

  it('catalogs the role may not read give a skip, never an ok', () => {
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, {
      ...eventcoreCatalog(),
      objects: {
        state: 'unreadable',
        reason: 'role "app" may not read the system catalogs',
        grant: 'GRANT …',
      },
    });
    assert.equal(
      result.findings.find((f) => f.id === 'schema-objects'),
      undefined,
    );
    assert.deepEqual(
      result.skipped.map((s) => [s.id, s.enableWith]),
      [['schema-objects', 'GRANT …']],
    );
  });

  it('migrations newer than pooltune knows are a note', () => {
    const base = eventcoreCatalog();
    const result = verifySchema(EVENTCORE_SCHEMA_SPEC, {
      ...base,
      migrations: {
        state: 'read',
        rows: [...ledgerRows(base), { version: 8, description: 'something new', success: true }],
      },
    });
    assert.equal(byId(result, 'schema-migrations-unknown').severity, 'info');
    assert.equal(byId(result, 'schema-migrations').severity, 'ok');
  });
});

describe('verifySchema against a user spec', () => {
  const spec = parseSchemaSpec(
    JSON.parse(fixtureText('schema-spec.example.json')),
    'example.json',
    'example',
  );
  const snapshot: CatalogSnapshot = {
    role: 'app',
    searchPath: '"$user", public',
    schema: 'shop',
    schemaExists: true,
    migrations: { state: 'not-asked' },
    objects: {
      state: 'read',
      tables: [
        {
          name: 'customers',
          kind: 'table',
          columns: [
            { name: 'customer_id', type: 'bigint', nullable: false },
            { name: 'email', type: 'character varying(255)', nullable: false },
            { name: 'display_name', type: 'text', nullable: true },
            { name: 'created_at', type: 'timestamp with time zone', nullable: false },
          ],
        },
        { name: 'books', kind: 'view', columns: [] },
      ],
      indexes: [
        {
          name: 'customers_pkey',
          table: 'customers',
          columns: ['customer_id'],
          unique: true,
          primary: true,
          valid: true,
        },
        {
          name: 'customers_email_key',
          table: 'customers',
          columns: ['email'],
          unique: true,
          primary: false,
          valid: true,
        },
      ],
      triggers: [],
      functions: [],
      elsewhere: [],
    },
  };

  it('reports missing tables, a view in place of a table and type differences, and no migration findings', () => {
    const result = verifySchema(spec, snapshot);
    assert.deepEqual(severities(result), {
      'schema-objects': 'critical',
      'schema-object-differences': 'warning',
    });
    const objects = byId(result, 'schema-objects');
    assert.equal(
      objects.title,
      'Schema "shop" lacks what bookshop needs: 2 tables missing; 1 table replaced by a view',
    );
    assert.equal(objects.observed, 'tables missing: orders, order_lines; books: is a view, not a table');
    assert.equal(
      byId(result, 'schema-object-differences').observed,
      'customers: column email is character varying(255), expected character varying(320)',
    );
  });

  it('a schema that does not exist is critical', () => {
    const result = verifySchema(spec, { ...snapshot, schemaExists: false });
    assert.equal(
      byId(result, 'schema-objects').title,
      'Schema "shop" does not exist, so nothing bookshop needs can be there',
    );
  });
});

describe('schema helpers', () => {
  it('canonicalType spells common aliases the way format_type does', () => {
    const cases: [string, string][] = [
      ['timestamptz', 'timestamp with time zone'],
      ['TIMESTAMP', 'timestamp without time zone'],
      ['timestamptz(3)', 'timestamp(3) with time zone'],
      ['timestamp (6) with time zone', 'timestamp(6) with time zone'],
      ['int8', 'bigint'],
      ['int', 'integer'],
      ['serial', 'integer'],
      ['BIGSERIAL', 'bigint'],
      ['int2', 'smallint'],
      ['varchar(255)', 'character varying(255)'],
      ['varchar', 'character varying'],
      ['char(13)', 'character(13)'],
      ['char', 'character(1)'],
      ['bpchar', 'bpchar'],
      ['bool', 'boolean'],
      ['float', 'double precision'],
      ['float(10)', 'real'],
      ['float8', 'double precision'],
      ['decimal(10, 2)', 'numeric(10,2)'],
      ['timetz', 'time with time zone'],
      ['text[]', 'text[]'],
      ['int[][]', 'integer[]'],
      ['varchar(20)[3]', 'character varying(20)[]'],
      ['integer array', 'integer[]'],
      ['  JSONB ', 'jsonb'],
      ['uuid', 'uuid'],
      ['"MyType"', '"MyType"'],
    ];
    for (const [written, canonical] of cases) assert.equal(canonicalType(written), canonical, written);
  });

  it('describeTriggerType decodes pg_trigger.tgtype', () => {
    assert.deepEqual(describeTriggerType(7), { timing: 'BEFORE', events: ['INSERT'], level: 'ROW' });
    assert.deepEqual(describeTriggerType(4 | 16), {
      timing: 'AFTER',
      events: ['INSERT', 'UPDATE'],
      level: 'STATEMENT',
    });
    assert.deepEqual(describeTriggerType(64 | 1 | 8), {
      timing: 'INSTEAD OF',
      events: ['DELETE'],
      level: 'ROW',
    });
  });

  it('sqlIdentifier quotes only what needs it', () => {
    assert.equal(sqlIdentifier('public'), 'public');
    assert.equal(sqlIdentifier('_sqlx_migrations'), '_sqlx_migrations');
    assert.equal(sqlIdentifier('App'), '"App"');
    assert.equal(sqlIdentifier('user'), '"user"');
    assert.equal(sqlIdentifier('a"b'), '"a""b"');
  });

  it('versionList folds runs', () => {
    assert.equal(versionList([3, 1, 2, 4]), '1–4');
    assert.equal(versionList([1, 2, 5, 7, 8, 9]), '1, 2, 5, 7–9');
    assert.equal(versionList([7]), '7');
  });
});
