import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Finding } from '../../src/core/findings.js';
import { EVENTCORE_SCHEMA_SPEC } from '../../src/core/schema/eventcore.js';
import { parseSchemaSpec } from '../../src/core/schema/spec.js';
import { canonicalType } from '../../src/core/schema/type-names.js';
import type { CatalogSnapshot, SchemaSpec } from '../../src/core/schema/types.js';
import { verifySchema } from '../../src/core/schema/verify.js';
import { withSession } from '../../src/probes/connect.js';
import { readCatalog } from '../../src/probes/schema.js';
import { resolveTarget } from '../../src/probes/target.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { eventcoreCatalog, eventcoreMigrationsSql, fixtureText } from '../helpers/schema-fixtures.js';

/** Runs SQL as the superuser in one database of the server. */
async function sqlIn(server: TestServer, database: string, text: string): Promise<void> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function snapshot(server: TestServer, database: string, spec: SchemaSpec, user = 'postgres') {
  const target = resolveTarget(server.url(user, database), {});
  return withSession(target, { connectTimeoutMs: 5000, env: {} }, (session) => readCatalog(session, spec));
}

async function check(server: TestServer, database: string, spec: SchemaSpec, user = 'postgres') {
  return verifySchema(spec, await snapshot(server, database, spec, user));
}

function finding(findings: readonly Finding[], id: string): Finding {
  const found = findings.find((f) => f.id === id);
  assert.ok(found, `a ${id} finding in ${JSON.stringify(findings, null, 1)}`);
  return found;
}

// Aliases a spec file may use, each beside the DDL that creates a column of that type.
const TYPE_ALIASES = [
  'int',
  'int2',
  'int8',
  'bigserial',
  'smallserial',
  'bool',
  'float',
  'float(10)',
  'float8',
  'decimal(10, 2)',
  'numeric',
  'varchar',
  'varchar(255)',
  'char',
  'char(13)',
  'bpchar',
  'bit',
  'varbit(8)',
  'timestamp',
  'timestamptz',
  'timestamptz(3)',
  'timestamp(6) with time zone',
  'time',
  'timetz',
  'time(2) with time zone',
  'interval',
  'text[]',
  'int[][]',
  'varchar(20)[]',
  'jsonb',
  'uuid',
  'bytea',
  'inet',
];

for (const version of PG_VERSIONS) {
  describe(`schema verification on PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ version });
      await server.sql('CREATE ROLE reader LOGIN');
      for (const db of ['ec20', 'ec16', 'empty', 'shop', 'locked', 'types'])
        await server.sql(`CREATE DATABASE ${db}`);
      await Promise.all([
        sqlIn(server, 'ec20', eventcoreMigrationsSql(7)),
        sqlIn(server, 'ec16', eventcoreMigrationsSql(6)),
        sqlIn(server, 'shop', fixtureText('schema-spec.example.sql')),
        sqlIn(
          server,
          'locked',
          // A hardened server: ordinary roles may not read pg_trigger (per database, so only here).
          `${eventcoreMigrationsSql(7)}; REVOKE SELECT ON pg_catalog.pg_trigger FROM PUBLIC;`,
        ),
        sqlIn(
          server,
          'types',
          `CREATE TABLE aliases (${TYPE_ALIASES.map((t, i) => `c${i} ${t}`).join(', ')})`,
        ),
      ]);
    });
    after(async () => {
      await server?.stop();
    });

    it('reads exactly the snapshot the unit tests use from a 2.x database, in six queries', async () => {
      const target = resolveTarget(server.url('postgres', 'ec20'), {});
      const queries: string[] = [];
      const actual: CatalogSnapshot = await withSession(
        target,
        { connectTimeoutMs: 5000, env: {} },
        (session) =>
          readCatalog(
            {
              ...session,
              query: (text, values) => {
                queries.push(text);
                return session.query(text, values);
              },
            },
            EVENTCORE_SCHEMA_SPEC,
          ),
      );
      assert.deepEqual(actual, eventcoreCatalog());
      // identity, relations with columns, indexes, triggers, functions, ledger: none per object
      assert.equal(queries.length, 6, queries.join('\n---\n'));
    });

    it('a 2.x database is ok and matches 2.0.x', async () => {
      const { findings, skipped } = await check(server, 'ec20', EVENTCORE_SCHEMA_SPEC);
      assert.deepEqual(skipped, []);
      assert.deepEqual(
        findings.map((f) => [f.id, f.severity]),
        [
          ['schema-objects', 'ok'],
          ['schema-migrations', 'ok'],
        ],
      );
      assert.match(
        finding(findings, 'schema-migrations').title,
        /Migrations 1–7 applied: matches eventcore-postgres 2\.0\.x/,
      );
    });

    it('an empty database is critical and lists the missing tables', async () => {
      const { findings } = await check(server, 'empty', EVENTCORE_SCHEMA_SPEC);
      const objects = finding(findings, 'schema-objects');
      assert.equal(objects.severity, 'critical');
      assert.match(
        objects.observed ?? '',
        /^tables missing: eventcore_events \(migration 1\), eventcore_subscription_versions \(migration 6\), eventcore_command_state_snapshots \(migration 7\);/,
      );
      assert.equal(finding(findings, 'schema-migrations').severity, 'warning');
    });

    it('a database migrated to 1–6 matches 0.4.0–1.1.1', async () => {
      const { findings } = await check(server, 'ec16', EVENTCORE_SCHEMA_SPEC);
      assert.equal(finding(findings, 'schema-objects').severity, 'ok');
      const migrations = finding(findings, 'schema-migrations');
      assert.equal(migrations.severity, 'info');
      assert.match(migrations.title, /^Migrations 1–6 applied: matches eventcore-postgres 0\.4\.0–1\.1\.1;/);
    });

    it('the example spec finds the example app, and a drifted column', async () => {
      const spec = parseSchemaSpec(
        JSON.parse(fixtureText('schema-spec.example.json')),
        'example.json',
        'example',
      );
      const { findings, skipped } = await check(server, 'shop', spec, 'reader');
      assert.deepEqual(skipped, []);
      assert.deepEqual(
        findings.map((f) => [f.id, f.severity, f.title]),
        [
          [
            'schema-objects',
            'ok',
            'Everything bookshop needs is in schema "shop": 4 tables, 15 columns, 4 primary keys and 2 indexes',
          ],
        ],
      );
      await sqlIn(
        server,
        'shop',
        'ALTER TABLE shop.orders ALTER COLUMN status TYPE text, ALTER COLUMN placed_at DROP NOT NULL',
      );
      const drifted = await check(server, 'shop', spec, 'reader');
      assert.equal(
        finding(drifted.findings, 'schema-object-differences').observed,
        'orders: column placed_at allows NULL, expected NOT NULL, column status is text, expected character varying(16)',
      );
    });

    it('a role that may not read the ledger gets a skip with the grant, and the objects are still verified', async () => {
      const { findings, skipped } = await check(server, 'ec20', EVENTCORE_SCHEMA_SPEC, 'reader');
      assert.deepEqual(
        findings.map((f) => [f.id, f.severity]),
        [['schema-objects', 'ok']],
      );
      assert.equal(skipped.length, 1);
      assert.equal(skipped[0]?.id, 'schema-migrations');
      assert.match(
        skipped[0]?.reason ?? '',
        /^role "reader" may not read public\._sqlx_migrations \(permission denied/,
      );
      assert.equal(skipped[0]?.enableWith, 'GRANT SELECT ON public._sqlx_migrations TO reader;');
    });

    it('catalogs the role may not read are skipped, never reported as fine', async () => {
      const { findings, skipped } = await check(server, 'locked', EVENTCORE_SCHEMA_SPEC, 'reader');
      assert.deepEqual(findings, []);
      assert.deepEqual(
        skipped.map((s) => s.id),
        ['schema-objects', 'schema-migrations'],
      );
      assert.match(
        skipped[0]?.reason ?? '',
        /^role "reader" may not read the system catalogs \(permission denied/,
      );
      assert.match(skipped[0]?.enableWith ?? '', /^GRANT SELECT ON .*pg_catalog\.pg_trigger.* TO reader;$/);
    });

    it('spec type aliases compare equal to what format_type reports', async () => {
      const client = new pg.Client({
        host: server.socketDir,
        port: server.port,
        user: 'postgres',
        database: 'types',
      });
      await client.connect();
      try {
        const { rows: columns } = await client.query<{ attnum: number; type: string }>(
          `select attnum, format_type(atttypid, atttypmod) as type
             from pg_attribute where attrelid = 'aliases'::regclass and attnum > 0 order by attnum`,
        );
        assert.equal(columns.length, TYPE_ALIASES.length);
        for (const { attnum, type } of columns) {
          const alias = TYPE_ALIASES[attnum - 1] ?? '';
          assert.equal(canonicalType(alias), type, alias);
        }
      } finally {
        await client.end();
      }
    });
  });
}
