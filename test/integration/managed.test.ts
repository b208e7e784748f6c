import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { waitFor } from '../helpers/wait.js';
import { PG_VERSIONS, startServer, type PgVersion, type TestServer } from '../helpers/postgres.js';

/**
 * Managed servers and roles without ALTER SYSTEM (issue 15 §3), on real PostgreSQL servers made to look
 * like each provider: the provider's placeholder settings in postgresql.conf and its roles created with
 * SQL. pooltune connects as a pg_monitor role that is not a superuser, as a provider's customer role is.
 */

interface JsonFix {
  sql?: string[];
  commands?: string[];
  where?: string;
  restart?: boolean;
  newSessions?: boolean;
}
interface JsonReport {
  exitCode: number;
  provider: { id: string; name: string; evidence: string[] } | null;
  findings: { id: string; severity: string; observed?: string; fix?: JsonFix }[];
  server?: { usableSlots: number };
}

// A neglected server: max_connections below the guide's smallest tier, no reserved slots, no timeouts.
const NEGLECTED = {
  max_connections: 15,
  superuser_reserved_connections: 0,
  statement_timeout: 0,
  idle_in_transaction_session_timeout: 0,
};

// The customer's role as the providers make it: no superuser, pg_monitor, may create roles and databases.
const CUSTOMER_ROLE = 'CREATE ROLE app LOGIN CREATEROLE CREATEDB IN ROLE pg_monitor';

async function checkServer(url: string): Promise<JsonReport> {
  const r = await runCli(['check-server', '--db', url, '--workload', 'oltp', '--format', 'json']);
  assert.equal(r.stderr, '', 'nothing on stderr');
  return JSON.parse(r.stdout) as JsonReport;
}

function fixOf(report: JsonReport, id: string): JsonFix {
  const fix = report.findings.find((f) => f.id === id)?.fix;
  assert.ok(fix, `${id} has a fix: ${JSON.stringify(report.findings.map((f) => f.id))}`);
  return fix;
}

async function lookAlike(
  version: PgVersion,
  settings: Record<string, string>,
  sql: string[],
): Promise<TestServer> {
  const server = await startServer({ version, settings: { ...NEGLECTED, ...settings } });
  for (const statement of [...sql, CUSTOMER_ROLE]) await server.sql(statement);
  return server;
}

for (const version of PG_VERSIONS) {
  describe(`a self-hosted PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      server = await lookAlike(version, {}, []);
      await server.sql('CREATE DATABASE owned OWNER app');
    });
    after(() => server?.stop());

    it("gives a pg_monitor role ALTER ROLE for session settings and a superuser's ALTER SYSTEM for max_connections", async () => {
      const report = await checkServer(server.url('app', 'postgres'));
      assert.equal(report.provider, null);
      const statement = fixOf(report, 'statement-timeout-disabled');
      assert.equal(statement.sql?.[0], `ALTER ROLE "app" SET statement_timeout = '30s';`);
      // app does not own the postgres database: ALTER DATABASE is its owner's.
      assert.match(
        statement.sql?.[1] ?? '',
        /^-- or, for the whole database \(its owner runs it\): ALTER DATABASE "postgres"/,
      );
      assert.match(
        statement.sql?.[2] ?? '',
        /^-- or, server-wide, for every role \(a superuser runs it\): ALTER SYSTEM/,
      );
      // Server-wide by the guide, but app may not ALTER SYSTEM: its own role's sessions come first.
      const idle = fixOf(report, 'idle-in-transaction-timeout-disabled');
      assert.equal(idle.sql?.[0], `ALTER ROLE "app" SET idle_in_transaction_session_timeout = '5min';`);
      assert.equal(idle.newSessions, true);
      for (const [id, name] of [
        ['connection-tier', 'max_connections'],
        ['superuser-reserved-connections', 'superuser_reserved_connections'],
      ] as const) {
        const fix = fixOf(report, id);
        assert.match(fix.sql?.[0] ?? '', new RegExp(`^ALTER SYSTEM SET ${name} = \\d+;$`));
        assert.equal(fix.restart, true);
        assert.match(
          fix.where ?? '',
          new RegExp(
            `^as a superuser: role app may not ALTER SYSTEM ${name}; or a superuser first runs GRANT ALTER SYSTEM ON PARAMETER ${name} TO "app";$`,
          ),
        );
      }
    });

    it("says who ends another role's session and sets its timeout: pg_signal_backend, CREATEROLE", async () => {
      await server.sql(`CREATE ROLE shop LOGIN`);
      const shop = new pg.Client({ connectionString: server.url('shop', 'postgres') });
      await shop.connect();
      try {
        await shop.query('begin');
        await shop.query('select 1');
        await waitFor('shop idle in its transaction for over a second', async () => {
          const [row] = await server.sql<{ ready: boolean }>(
            `select count(*) = 1 as ready from pg_stat_activity
              where usename = 'shop' and state = 'idle in transaction' and now() - state_change > interval '1.2 s'`,
          );
          return row?.ready === true;
        });
        const r = await runCli([
          'check-server',
          '--db',
          server.url('app', 'postgres'),
          '--idle-in-transaction-threshold',
          '1s',
          '--format',
          'json',
        ]);
        const fix = fixOf(JSON.parse(r.stdout) as JsonReport, 'idle-in-transaction-sessions');
        assert.match(fix.sql?.[0] ?? '', /^SELECT pg_terminate_backend\(\d+\);$/);
        assert.match(
          fix.where ?? '',
          /^as a superuser, or a role with pg_signal_backend to end other roles' sessions \(GRANT pg_signal_backend TO "app";\)/,
        );
        // CREATEROLE lets app ALTER ROLE shop before 16; from 16 on it also needs ADMIN OPTION on shop.
        assert.equal(/CREATEROLE/.test(fix.where ?? ''), version >= 16, fix.where);
        // monitor judges the same sessions the same way.
        const watched = await runCli([
          'monitor',
          '--db',
          server.url('app', 'postgres'),
          '--duration',
          '2s',
          '--interval',
          '1s',
          '--idle-in-transaction-threshold',
          '1s',
          '--format',
          'json',
        ]);
        const summary = JSON.parse(watched.stdout.trim().split('\n').at(-1) ?? '{}') as JsonReport;
        assert.match(fixOf(summary, 'idle-in-transaction').where ?? '', /pg_signal_backend/);
      } finally {
        await shop.end();
      }
    });

    it('offers ALTER DATABASE first-class to the database owner', async () => {
      const report = await checkServer(server.url('app', 'owned'));
      const sql = fixOf(report, 'statement-timeout-disabled').sql ?? [];
      assert.equal(
        sql[1],
        `-- or, for the whole database: ALTER DATABASE "owned" SET statement_timeout = '30s';`,
      );
    });

    it('gives ALTER SYSTEM to a role granted it on the parameter (15+)', async () => {
      await server.sql('GRANT ALTER SYSTEM ON PARAMETER max_connections TO app');
      try {
        const report = await checkServer(server.url('app', 'postgres'));
        assert.equal(fixOf(report, 'connection-tier').where, undefined);
        assert.match(fixOf(report, 'superuser-reserved-connections').where ?? '', /^as a superuser/);
      } finally {
        await server.sql('REVOKE ALTER SYSTEM ON PARAMETER max_connections FROM app');
      }
    });

    it('still gives a superuser the bare ALTER SYSTEM', async () => {
      const report = await checkServer(server.url('postgres', 'postgres'));
      const fix = fixOf(report, 'connection-tier');
      assert.deepEqual(fix.sql, ['ALTER SYSTEM SET max_connections = 20;']);
      assert.equal(fix.where, undefined);
      assert.equal(fix.commands, undefined);
    });
  });
}

describe('provider look-alikes (PostgreSQL 18)', () => {
  let rds: TestServer;
  let cloudsql: TestServer;
  let azure: TestServer;
  let neon: TestServer;
  let supabase: TestServer;
  let pooler: TestPgBouncer;
  before(async () => {
    [rds, cloudsql, azure, neon, supabase] = await Promise.all([
      lookAlike(18, { 'rds.extensions': 'pg_stat_statements', 'rds.force_ssl': '0' }, [
        'CREATE ROLE rdsadmin',
        'CREATE ROLE rds_superuser NOLOGIN',
        'CREATE ROLE rds_replication NOLOGIN',
      ]),
      lookAlike(18, { 'cloudsql.iam_authentication': 'off' }, [
        'CREATE ROLE cloudsqladmin',
        'CREATE ROLE cloudsqlsuperuser NOLOGIN',
      ]),
      lookAlike(18, { 'azure.extensions': '' }, [
        'CREATE ROLE azuresu',
        'CREATE ROLE azure_pg_admin NOLOGIN',
      ]),
      lookAlike(18, { 'neon.timeline_id': 'a1b2' }, [
        'CREATE ROLE cloud_admin',
        'CREATE ROLE neon_superuser NOLOGIN',
      ]),
      lookAlike(18, { 'supautils.reserved_roles': 'supabase_admin' }, [
        'CREATE ROLE supabase_admin',
        'CREATE ROLE authenticator NOINHERIT LOGIN',
      ]),
    ]);
    await rds.sql('GRANT rds_superuser TO app');
    pooler = await startPgBouncer(rds, {
      poolMode: 'transaction',
      auth: { users: { postgres: '', app: '' } },
    });
  });
  after(async () => {
    await pooler?.stop();
    await Promise.all([rds?.stop(), cloudsql?.stop(), azure?.stop(), neon?.stop(), supabase?.stop()]);
  });

  it("recognises RDS and gives its parameter group's way, with a reboot for max_connections", async () => {
    const report = await checkServer(rds.url('app', 'postgres'));
    assert.equal(report.provider?.id, 'rds');
    assert.deepEqual(report.provider?.evidence, [
      'rds.* settings',
      'rds_superuser role',
      'rdsadmin role',
      'rds_replication role',
    ]);
    const fix = fixOf(report, 'connection-tier');
    assert.equal(fix.sql, undefined, 'no ALTER SYSTEM the role cannot run');
    assert.deepEqual(fix.commands, [
      'aws rds modify-db-parameter-group --db-parameter-group-name <custom-parameter-group> --parameters "ParameterName=max_connections,ParameterValue=20,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier <instance>',
    ]);
    assert.equal(fix.restart, true);
    // Session settings stay the role's own.
    assert.equal(
      fixOf(report, 'statement-timeout-disabled').sql?.[0],
      `ALTER ROLE "app" SET statement_timeout = '30s';`,
    );
  });

  it("gives recommend --db's max_connections fix the parameter group's way too", async () => {
    const r = await runCli([
      'recommend',
      '--db',
      rds.url('app', 'postgres'),
      '--workload',
      'oltp',
      '--instances',
      '4',
      '--concurrency',
      '20',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.provider?.id, 'rds');
    const fix = fixOf(report, 'budget-shortfall');
    assert.equal(fix.sql, undefined);
    assert.match(
      fix.commands?.[0] ?? '',
      /ParameterName=max_connections,ParameterValue=\d+,ApplyMethod=pending-reboot/,
    );
  });

  it('writes JSON the published schema accepts, provider, commands and where included', async () => {
    const schema = JSON.parse(await readFile(`${REPO_ROOT}schemas/report.schema.json`, 'utf8')) as object;
    const validate = new Ajv2020.default({
      allErrors: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(schema);
    const r = await runCli([
      'check-server',
      '--db',
      rds.url('app', 'postgres'),
      '--workload',
      'oltp',
      '--json',
    ]);
    assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors));
  });

  it('names the provider in the text header', async () => {
    const r = await runCli(['check-server', '--db', rds.url('app', 'postgres'), '--workload', 'oltp']);
    const header = r.stdout.split('\n')[0] ?? '';
    assert.match(
      header,
      /managed: Amazon RDS \(rds\.\* settings, rds_superuser role, rdsadmin role, rds_replication role\)/,
    );
    assert.match(r.stdout, /fix: aws rds modify-db-parameter-group /);
    assert.match(r.stdout, /where: Amazon RDS, in the instance's custom DB parameter group/);
  });

  it('names the provider in health and monitor reports too', async () => {
    const health = await runCli(['health', '--db', rds.url('app', 'postgres')]);
    assert.match(health.stdout.split('\n')[0] ?? '', /· managed: Amazon RDS \(/);
    const monitor = await runCli([
      'monitor',
      '--db',
      rds.url('app', 'postgres'),
      '--duration',
      '1s',
      '--interval',
      '1s',
      '--format',
      'json',
    ]);
    const summary = JSON.parse(monitor.stdout.trim().split('\n').at(-1) ?? '{}') as JsonReport;
    assert.equal(summary.provider?.id, 'rds');
  });

  it('recognises Aurora once aurora_version() is there, and gives the cluster parameter group', async () => {
    await rds.sql(
      `CREATE FUNCTION public.aurora_version() RETURNS text LANGUAGE sql AS $$ SELECT '16.4.0' $$`,
    );
    try {
      const report = await checkServer(rds.url('app', 'postgres'));
      assert.equal(report.provider?.id, 'aurora');
      assert.match(
        fixOf(report, 'connection-tier').commands?.[0] ?? '',
        /^aws rds modify-db-cluster-parameter-group /,
      );
    } finally {
      await rds.sql('DROP FUNCTION public.aurora_version()');
    }
  });

  it("recognises Cloud SQL and gives its flags, keeping the instance's others", async () => {
    const report = await checkServer(cloudsql.url('app', 'postgres'));
    assert.equal(report.provider?.name, 'Google Cloud SQL');
    const fix = fixOf(report, 'superuser-reserved-connections');
    assert.match(
      fix.commands?.[1] ?? '',
      /^gcloud sql instances patch <instance> --database-flags=superuser_reserved_connections=3,<every flag shown above to keep>$/,
    );
    assert.match(fix.where ?? '', /replaces all of its flags/);
  });

  it('recognises RDS through a transaction-mode PgBouncer too', async () => {
    const report = await checkServer(pooler.url('app', 'postgres'));
    assert.equal(report.provider?.id, 'rds');
    assert.match(fixOf(report, 'connection-tier').commands?.[0] ?? '', /^aws rds modify-db-parameter-group /);
  });

  it('recognises Neon and points max_connections at the compute size; Supabase and its CLI', async () => {
    const onNeon = await checkServer(neon.url('app', 'postgres'));
    assert.equal(onNeon.provider?.id, 'neon');
    const compute = fixOf(onNeon, 'connection-tier');
    assert.equal(compute.commands, undefined);
    assert.match(
      compute.where ?? '',
      /^Neon, in the Neon console or API: Neon sets max_connections from the compute size/,
    );
    // Neon keeps 7 slots for its superuser; this server reserves none itself, so 15 − 7 are usable.
    assert.equal(onNeon.server?.usableSlots, 8);
    assert.match(
      onNeon.findings.find((f) => f.id === 'slot-usage')?.observed ?? '',
      /8 usable = 15 − 0 superuser-reserved − 0 reserved − 7 kept by Neon$/,
    );
    const onSupabase = await checkServer(supabase.url('app', 'postgres'));
    assert.deepEqual(onSupabase.provider?.evidence, [
      'supautils.* settings',
      'supabase_admin role',
      'authenticator role',
    ]);
    assert.deepEqual(fixOf(onSupabase, 'connection-tier').commands, [
      'supabase postgres-config update --config max_connections=20',
    ]);
  });

  it("names each target's provider in a run over several targets", async () => {
    const r = await runCli([
      'check-server',
      '--db',
      `aws=${rds.url('app', 'postgres')}`,
      '--db',
      `gcp=${cloudsql.url('app', 'postgres')}`,
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { targets: { name: string; provider: { id: string } | null }[] };
    assert.deepEqual(
      report.targets.map((t) => [t.name, t.provider?.id]),
      [
        ['aws', 'rds'],
        ['gcp', 'cloudsql'],
      ],
    );
    const text = await runCli([
      'check-server',
      '--db',
      `aws=${rds.url('app', 'postgres')}`,
      '--db',
      `gcp=${cloudsql.url('app', 'postgres')}`,
    ]);
    assert.match(
      text.stdout,
      /gcp: app@127\.0\.0\.1:\d+\/postgres · PostgreSQL [\d.]+ · primary · managed: Google Cloud SQL/,
    );
  });

  it('recognises Azure flexible server and gives its server parameter and restart', async () => {
    const report = await checkServer(azure.url('app', 'postgres'));
    assert.equal(report.provider?.id, 'azure');
    assert.deepEqual(fixOf(report, 'connection-tier').commands, [
      'az postgres flexible-server parameter set --resource-group <resource-group> --server-name <server> --name max_connections --value 20',
      'az postgres flexible-server restart --resource-group <resource-group> --name <server>',
    ]);
  });
});
