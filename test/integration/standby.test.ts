import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { PG_VERSIONS, type TestServer } from '../helpers/postgres.js';
import { startPrimary, startStandby, untilReplayed } from '../helpers/standby.js';
import { waitFor } from '../helpers/wait.js';

interface ReportJson {
  exitCode: number;
  topology: {
    role: 'primary' | 'standby';
    systemIdentifier: string | null;
    replay: { pauseState: string; lagSeconds: number | null } | null;
    standbys: { applicationName: string; clientAddr: string | null; state: string | null }[];
    canReadReplication: boolean;
  } | null;
  findings: { id: string; severity: string; title: string; fix?: { sql?: string[]; order?: string } }[];
}

const QUICK_HEALTH = ['--duration', '200ms', '--samples', '20', '--probe-connections', '1'];

// Every JSON report here is checked against the published schema: the topology of real servers included.
const validate = new Ajv2020.default({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(JSON.parse(readFileSync(`${REPO_ROOT}schemas/report.schema.json`, 'utf8')) as object);

async function json(args: string[]): Promise<{ code: number | null; doc: ReportJson }> {
  const r = await runCli([...args, '--format', 'json']);
  assert.ok(r.stdout.startsWith('{'), `JSON on stdout; stderr: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as ReportJson;
  assert.ok(validate(doc), `${args.join(' ')}: ${JSON.stringify(validate.errors)}`);
  return { code: r.code, doc };
}

const finding = (doc: ReportJson, id: string) => {
  const found = doc.findings.find((f) => f.id === id);
  assert.ok(found, `${id} in ${doc.findings.map((f) => f.id).join(', ')}`);
  return found;
};

for (const version of PG_VERSIONS) {
  describe(`a primary and its hot standby on PostgreSQL ${version}`, () => {
    let primary: TestServer;
    let standby: TestServer;
    before(async () => {
      primary = await startPrimary(version, { settings: { max_connections: 30 } });
      // Made before the standby, so that the copy has them: a monitoring role and one without pg_monitor.
      await primary.sql('CREATE ROLE watcher LOGIN IN ROLE pg_monitor');
      await primary.sql('CREATE ROLE app LOGIN');
      standby = await startStandby(primary, 'replica1');
    });
    after(async () => {
      await standby?.stop();
      await primary?.stop();
    });

    it('check-server and health on the standby say standby, in text and JSON', async () => {
      const checked = await json(['check-server', '--db', standby.url()]);
      assert.equal(checked.doc.topology?.role, 'standby');
      assert.equal(checked.doc.topology?.replay?.pauseState, 'not paused');
      assert.equal(finding(checked.doc, 'standby-replay-paused').severity, 'ok');
      assert.match(finding(checked.doc, 'standby-wal-receiver').title, /streams WAL from 127\.0\.0\.1:/);
      const text = await runCli(['check-server', '--db', standby.url(), '--no-color']);
      assert.match(text.stdout.split('\n')[0] ?? '', /· standby ·/);

      const probed = await json(['health', '--db', standby.url(), ...QUICK_HEALTH]);
      assert.equal(probed.doc.topology?.role, 'standby');
      const healthText = await runCli(['health', '--db', standby.url(), '--no-color', ...QUICK_HEALTH]);
      assert.match(healthText.stdout.split('\n')[0] ?? '', /· standby ·/);
    });

    it('a primary and its standby share the system identifier; the primary lists its standby', async () => {
      const onPrimary = await json(['check-server', '--db', primary.url('watcher')]);
      const onStandby = await json(['check-server', '--db', standby.url('watcher')]);
      assert.equal(onPrimary.doc.topology?.role, 'primary');
      assert.ok(onPrimary.doc.topology?.systemIdentifier);
      assert.equal(onPrimary.doc.topology?.systemIdentifier, onStandby.doc.topology?.systemIdentifier);
      assert.deepEqual(
        onPrimary.doc.topology?.standbys.map((s) => [s.applicationName, s.clientAddr, s.state]),
        [['replica1', '127.0.0.1', 'streaming']],
      );
      assert.match(finding(onPrimary.doc, 'standbys-attached').title, /replica1 from 127\.0\.0\.1/);
    });

    it('paused replay makes health and check-server fail with the replay-paused finding', async () => {
      await standby.sql('select pg_wal_replay_pause()');
      try {
        // WAL from the primary gives the standby's startup process something to stop at.
        await primary.sql('CREATE TABLE after_pause (x int)');
        await waitFor('replay paused on the standby', async () => {
          const [row] = await standby.sql<{ state: string }>(
            'select pg_get_wal_replay_pause_state() as state',
          );
          return row?.state === 'paused';
        });
        for (const command of [['check-server'], ['health', ...QUICK_HEALTH]]) {
          const { code, doc } = await json([...command, '--db', standby.url()]);
          assert.equal(code, 1, command[0]);
          assert.equal(doc.exitCode, 1);
          const paused = finding(doc, 'standby-replay-paused');
          assert.equal(paused.severity, 'critical');
          assert.match(paused.title, /replay is paused/);
          assert.equal(doc.topology?.replay?.pauseState, 'paused');
        }
        const text = await runCli(['health', '--db', standby.url(), '--no-color', ...QUICK_HEALTH]);
        assert.match(text.stdout.split('\n')[0] ?? '', /· standby, replay paused ·/);
      } finally {
        await standby.sql('select pg_wal_replay_resume()');
      }
      await untilReplayed(primary, standby);
    });

    it('a max_connections fix on the primary says to raise the standby first, naming it', async () => {
      // 3 × 40 connections against 27 usable slots: the fix raises max_connections.
      const args = ['check-server', '--db', primary.url(), '--pool-max', '40', '--instances', '3'];
      const { doc } = await json(args);
      const fleet = finding(doc, 'fleet-plan');
      assert.equal(fleet.severity, 'critical');
      assert.match(fleet.fix?.sql?.join(' ') ?? '', /max_connections = \d+/);
      assert.match(
        fleet.fix?.order ?? '',
        /raise it first on the standbys streaming from this primary \(replica1 from 127\.0\.0\.1\)/,
      );
      const text = await runCli([...args, '--no-color']);
      assert.match(
        text.stdout,
        /order: Standbys stream from this primary: when raising max_connections from 30/,
      );
      const markdown = await runCli([...args, '--format', 'markdown']);
      assert.match(markdown.stdout, /- order: Standbys stream from this primary/);
    });

    it('a role without pg_monitor is told it lacks the privilege, not that there is no replica', async () => {
      const onStandby = await json(['check-server', '--db', standby.url('app')]);
      assert.equal(onStandby.doc.topology?.role, 'standby');
      assert.equal(onStandby.doc.topology?.canReadReplication, false);
      const receiver = finding(onStandby.doc, 'standby-wal-receiver');
      assert.match(receiver.title, /No privilege/);
      assert.doesNotMatch(receiver.title, /not streaming/);
      const onPrimary = await json(['check-server', '--db', primary.url('app')]);
      const attached = finding(onPrimary.doc, 'standbys-attached');
      assert.match(
        attached.title,
        /1 standby streams from this server: replica1; their state and lag: no privilege/,
      );
      const text = await runCli(['check-server', '--db', primary.url('app'), '--no-color']);
      assert.match(text.stdout, /no privilege/);
      assert.doesNotMatch(text.stdout, /no replica|no standby/i);
    });

    it('counts the queries replay cancelled (40001), and hot_standby_feedback off is then a warning', async () => {
      await primary.sql('CREATE TABLE conflict_t AS SELECT generate_series(1, 1000) AS x');
      await untilReplayed(primary, standby);
      const reader = await standby.client();
      // The conflict ends this session's transaction (or the session): expected, not a test failure.
      reader.on('error', () => undefined);
      const cancelled = reader
        .query('BEGIN ISOLATION LEVEL REPEATABLE READ')
        .then(() => reader.query('SELECT count(*) FROM conflict_t'))
        .then(() => reader.query('SELECT pg_sleep(30)'))
        .then(
          () => '',
          (error: { code?: string }) => error.code ?? '',
        );
      try {
        await waitFor(
          'the reader holding its snapshot',
          async () => {
            const [row] = await standby.sql<{ n: number }>(
              "select count(*)::int as n from pg_stat_activity where query = 'SELECT pg_sleep(30)'",
            );
            return (row?.n ?? 0) > 0;
          },
          { unless: cancelled },
        );
        // Only now a short delay, so that no other conflict cancels the reader before it holds its snapshot.
        await standby.sql("ALTER SYSTEM SET max_standby_streaming_delay = '100ms'");
        await standby.sql('SELECT pg_reload_conf()');
        await waitFor('the short delay in force', async () => {
          const [row] = await standby.sql<{ delay: string }>(
            "select setting as delay from pg_settings where name = 'max_standby_streaming_delay'",
          );
          return row?.delay === '100';
        });
        // Vacuum on the primary removes rows the reader's snapshot still sees: replay cancels it.
        await primary.sql('DELETE FROM conflict_t');
        await primary.sql('VACUUM conflict_t');
        assert.equal(await cancelled, '40001');
        // A backend reports its counts when it leaves its transaction or ends: end it.
        await reader.end().catch(() => undefined);
        await waitFor('the cancel counted in pg_stat_database_conflicts', async () => {
          const [row] = await standby.sql<{ n: number }>(
            "select confl_snapshot::int as n from pg_stat_database_conflicts where datname = 'postgres'",
          );
          return (row?.n ?? 0) > 0;
        });
        const { doc } = await json(['check-server', '--db', standby.url()]);
        const feedback = finding(doc, 'standby-feedback');
        assert.equal(feedback.severity, 'warning');
        assert.match(
          feedback.title,
          /hot_standby_feedback is off and \d+ quer(y was|ies were) cancelled with 40001/,
        );
      } finally {
        await reader.end().catch(() => undefined);
        await standby.sql('ALTER SYSTEM RESET max_standby_streaming_delay');
        await standby.sql('SELECT pg_reload_conf()');
      }
    });
  });
}
