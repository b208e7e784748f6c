import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';

interface JsonFinding {
  id: string;
  severity: string;
  fix?: { sql?: string[]; restart?: boolean; reload?: boolean };
}
interface JsonReport {
  exitCode: number;
  target: string;
  serverVersion: string;
  findings: JsonFinding[];
  skipped: { id: string; enableWith?: string }[];
  settings: { name: string; current: string; recommended: string; status: string }[];
}

const PASSWORD = 'Pw-for-check-server-7731';

async function checkServer(
  args: string[],
): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const r = await runCli(['check-server', ...args, '--format', 'json']);
  assert.equal(r.stderr, '', 'nothing on stderr');
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const byId = (report: JsonReport, id: string) => report.findings.find((f) => f.id === id);

for (const version of PG_VERSIONS) {
  describe(`check-server on PostgreSQL ${version}`, () => {
    let neglected: TestServer;
    let tuned: TestServer;
    before(async () => {
      [neglected, tuned] = await Promise.all([
        startServer({
          version,
          auth: 'scram-sha-256',
          settings: {
            max_connections: 40,
            superuser_reserved_connections: 0,
            idle_in_transaction_session_timeout: 0,
            statement_timeout: 0,
          },
        }),
        startServer({
          version,
          settings: {
            max_connections: 100,
            superuser_reserved_connections: 3,
            idle_in_transaction_session_timeout: '5min',
            statement_timeout: '30s',
            work_mem: '4MB',
            maintenance_work_mem: '64MB',
          },
        }),
      ]);
      await neglected.sql(`ALTER ROLE postgres PASSWORD '${PASSWORD}'`);
    });
    after(async () => {
      await Promise.all([neglected?.stop(), tuned?.stop()]);
    });

    it('reports each neglected setting with the ALTER SYSTEM that fixes it and how it applies', async () => {
      const { code, report } = await checkServer([
        '--db',
        neglected.url('postgres', 'postgres', PASSWORD),
        '--workload',
        'oltp',
        '--fail-on',
        'warning',
      ]);
      assert.equal(code, 1);
      assert.equal(report.exitCode, 1);
      assert.match(report.serverVersion, new RegExp(`^${version}\\.`));
      const reserved = byId(report, 'superuser-reserved-connections');
      assert.equal(reserved?.severity, 'warning');
      assert.deepEqual(reserved?.fix?.sql, ['ALTER SYSTEM SET superuser_reserved_connections = 3;']);
      assert.equal(reserved?.fix?.restart, true);
      const idle = byId(report, 'idle-in-transaction-timeout-disabled');
      assert.deepEqual(idle?.fix?.sql, [
        "ALTER SYSTEM SET idle_in_transaction_session_timeout = '5min';",
        'SELECT pg_reload_conf();',
      ]);
      assert.equal(idle?.fix?.restart, false);
      assert.equal(idle?.fix?.reload, true);
      // Connected as a superuser, not the application's role: the database first, ALTER SYSTEM last.
      assert.deepEqual(byId(report, 'statement-timeout-disabled')?.fix?.sql, [
        `ALTER DATABASE "postgres" SET statement_timeout = '30s';`,
        "-- or, for the application's role only: ALTER ROLE <application role> SET statement_timeout = '30s';",
        "-- or, server-wide, for every role: ALTER SYSTEM SET statement_timeout = '30s'; SELECT pg_reload_conf();",
      ]);
      const rows = Object.fromEntries(report.settings.map((s) => [s.name, s]));
      assert.equal(
        rows.statement_timeout?.current,
        '0 (disabled)',
        "the server's value, not pooltune's own session's",
      );
      assert.equal(rows.max_connections?.current, '40');
      assert.equal(
        rows.reserved_connections !== undefined,
        version >= 16,
        'reserved_connections only where it exists',
      );
    });

    it('sets statement_timeout for the role it connected as, quoted so that the fix runs as printed', async () => {
      const role = 'my-"app';
      await neglected.sql(`CREATE ROLE "my-""app" LOGIN PASSWORD '${PASSWORD}'`);
      try {
        const { report } = await checkServer(['--db', neglected.url(role, 'postgres', PASSWORD)]);
        const sql = byId(report, 'statement-timeout-disabled')?.fix?.sql ?? [];
        assert.equal(sql[0], `ALTER ROLE "my-""app" SET statement_timeout = '30s';`);
        // The alternatives are comments: the whole fix runs, and sets the timeout for that role alone.
        await neglected.sql(sql.join('\n'));
        const config = await neglected.sql<{ rolname: string; rolconfig: string[] | null }>(
          "select rolname, rolconfig from pg_roles where rolname in ($1, 'postgres') order by rolname",
          [role],
        );
        assert.deepEqual(
          config.map((r) => [r.rolname, r.rolconfig]),
          [
            [role, ['statement_timeout=30s']],
            ['postgres', null],
          ],
        );
      } finally {
        await neglected.sql('DROP ROLE "my-""app"');
      }
    });

    it('accepts no statement timeout for a batch workload', async () => {
      const { report } = await checkServer([
        '--db',
        neglected.url('postgres', 'postgres', PASSWORD),
        '--workload',
        'batch',
      ]);
      assert.equal(byId(report, 'statement-timeout')?.severity, 'ok');
      assert.equal(byId(report, 'statement-timeout-disabled'), undefined);
    });

    it('passes a server configured as the guide advises, even at --fail-on warning', async () => {
      const { code, report } = await checkServer([
        '--db',
        tuned.url(),
        '--workload',
        'oltp',
        '--fail-on',
        'warning',
      ]);
      const problems = report.findings.filter((f) => f.severity === 'warning' || f.severity === 'critical');
      assert.deepEqual(problems, []);
      assert.equal(code, 0);
    });

    it('fails the gate for a fleet of 6 × 50 against max_connections 100 and counts the missing slots', async () => {
      const { code, report } = await checkServer([
        '--db',
        tuned.url(),
        '--pool-max',
        '50',
        '--instances',
        '6',
      ]);
      assert.equal(code, 1);
      const fleet = byId(report, 'fleet-plan');
      assert.equal(fleet?.severity, 'critical');
      const text = await runCli([
        'check-server',
        '--db',
        tuned.url(),
        '--pool-max',
        '50',
        '--instances',
        '6',
        '--no-color',
      ]);
      assert.match(text.stdout, /needs 300 connections but the server has 97 usable slots: 203 missing/);
    });

    it('judges memory against --server-memory, and says how to enable that check without it', async () => {
      const without = await checkServer(['--db', tuned.url()]);
      assert.equal(
        without.report.skipped
          .find((s) => s.id === 'connection-memory')
          ?.enableWith?.includes('--server-memory'),
        true,
      );
      const small = await checkServer(['--db', tuned.url(), '--server-memory', '1GB']);
      // 100 × (10MB + 4MB) = 1400MB against 1GB
      assert.equal(byId(small.report, 'connection-memory')?.severity, 'critical');
    });

    it('skips what a role without pg_monitor cannot see, with the GRANT that enables it, and still succeeds', async () => {
      await tuned.sql('CREATE ROLE app_reader LOGIN');
      const plain = await checkServer(['--db', tuned.url('app_reader')]);
      assert.equal(plain.code, 0);
      const skipped = plain.report.skipped.find((s) => s.id === 'session-states');
      assert.equal(skipped?.enableWith, 'GRANT pg_monitor TO "app_reader";');
      await tuned.sql('GRANT pg_monitor TO app_reader');
      const monitor = await checkServer(['--db', tuned.url('app_reader')]);
      assert.equal(
        monitor.report.skipped.find((s) => s.id === 'session-states'),
        undefined,
      );
    });

    it('counts connections held by other sessions', async () => {
      const holders = await Promise.all(Array.from({ length: 5 }, () => tuned.client()));
      try {
        const text = await runCli(['check-server', '--db', tuned.url()]);
        assert.match(text.stdout, /5 of 97 usable connection slots are taken now/);
        // The header counts as the finding does: pooltune's own session is left out of both.
        assert.match(text.stdout, /97 usable, 5 other client connections now/);
      } finally {
        await Promise.all(holders.map((c) => c.end()));
      }
    });

    it('leaves no pooltune session behind', async () => {
      await runCli(['check-server', '--db', tuned.url()]);
      const rows = await tuned.sql<{ n: string }>(
        "select count(*) n from pg_stat_activity where application_name = 'pooltune'",
      );
      assert.equal(rows[0]?.n, '0');
    });
  });
}
