import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

interface JsonSession {
  pid: number;
  role: string | null;
  application: string | null;
  state: string | null;
  transactionSeconds: number | null;
  querySeconds: number | null;
  lockWaitSeconds: number | null;
  waitingOnLock: boolean;
  blockedBy: number[];
  query?: string;
}
interface JsonFinding {
  id: string;
  severity: string;
  title: string;
  fix?: { sql?: string[] };
  sessions?: JsonSession[];
}
interface JsonReport {
  findings: JsonFinding[];
  skipped: { id: string }[];
}

const byId = (report: JsonReport, id: string) => report.findings.find((f) => f.id === id);
const pidsOf = (f: JsonFinding | undefined) => (f?.sessions ?? []).map((s) => s.pid);
const QUICK_HEALTH = [
  '--duration',
  '200ms',
  '--samples',
  '10',
  '--probe-connections',
  '1',
  '--warmup',
  '10ms',
];

/**
 * The four situations of issue 13: a session idle in a transaction, a pg_sleep(600) query, a lock wait,
 * and a role without pg_monitor looking at them. check-server and health must name each session.
 */
for (const version of PG_VERSIONS) {
  describe(`the sessions behind the findings on PostgreSQL ${version}`, () => {
    let server: TestServer;
    const clients: pg.Client[] = [];
    const pids: Record<'idle' | 'sleeper' | 'holder' | 'waiter', number> = {
      idle: 0,
      sleeper: 0,
      holder: 0,
      waiter: 0,
    };

    const connect = async (application: string): Promise<pg.Client> => {
      const client = new pg.Client({
        host: server.host,
        port: server.port,
        user: 'shop',
        database: 'postgres',
        application_name: application,
      });
      // Terminated at the end on purpose: the error that follows is expected.
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    };
    const pidOf = async (client: pg.Client) =>
      (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;

    const json = async (command: string, args: readonly string[]): Promise<JsonReport> => {
      const r = await runCli([command, ...args, '--format', 'json']);
      assert.ok(r.code === 0 || r.code === 1, `${command} exit ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as JsonReport;
    };

    before(async () => {
      server = await startServer({
        version,
        settings: { idle_in_transaction_session_timeout: 0, statement_timeout: 0, lock_timeout: 0 },
      });
      await server.sql(
        `create role shop login; create role watcher login;
         create table orders (id int primary key, total int); insert into orders values (1, 10);
         grant all on orders to shop`,
      );
      const idle = await connect('billing-worker');
      pids.idle = await pidOf(idle);
      await idle.query('begin');
      await idle.query('select total from orders where id = 1');

      const sleeper = await connect('nightly-report');
      pids.sleeper = await pidOf(sleeper);
      void sleeper.query('select pg_sleep(600)').catch(() => undefined);

      const holder = await connect('admin-console');
      pids.holder = await pidOf(holder);
      await holder.query('begin');
      await holder.query('update orders set total = 11 where id = 1');

      const waiter = await connect('checkout-api');
      pids.waiter = await pidOf(waiter);
      void waiter.query('update orders set total = 12 where id = 1').catch(() => undefined);

      // Every age the tests judge is past the 1s thresholds they pass.
      await waitFor('the four situations, each over a second old', async () => {
        const [row] = await server.sql<{ ready: boolean }>(
          `select count(*) filter (where pid = $1 and now() - state_change > interval '1.2 s'
                                     and state = 'idle in transaction')
                + count(*) filter (where pid = $2 and now() - query_start > interval '1.2 s' and state = 'active')
                + count(*) filter (where pid = $3 and wait_event_type = 'Lock' and now() - query_start > interval '1.2 s')
                  = 3 as ready
             from pg_stat_activity`,
          [pids.idle, pids.sleeper, pids.waiter],
        );
        return row?.ready === true;
      });
    });

    after(async () => {
      const own = Object.values(pids).filter((pid) => pid > 0);
      await server.sql('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [own]);
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await server.stop();
    });

    it('check-server names each session in JSON and judges them by their thresholds', async () => {
      const report = await json('check-server', [
        '--db',
        server.url(),
        '--idle-in-transaction-threshold',
        '1s',
        '--long-query-threshold',
        '100ms',
        '--long-transaction-threshold',
        '1s',
      ]);
      const idle = byId(report, 'idle-in-transaction-sessions');
      assert.deepEqual(pidsOf(idle).sort(), [pids.idle, pids.holder].sort());
      const billing = idle?.sessions?.find((s) => s.pid === pids.idle);
      assert.equal(billing?.role, 'shop');
      assert.equal(billing?.application, 'billing-worker');
      assert.ok((billing?.transactionSeconds ?? 0) >= 1, 'its transaction age');
      assert.ok(idle?.fix?.sql?.includes(`SELECT pg_terminate_backend(${pids.idle});`));
      assert.ok(
        idle?.fix?.sql?.includes(`ALTER ROLE "shop" SET idle_in_transaction_session_timeout = '1s';`),
      );

      // The sleeper and the waiter are both active queries; over 6 × 100ms the longest is critical.
      const queries = byId(report, 'long-running-queries');
      assert.equal(queries?.severity, 'critical');
      assert.equal(queries?.sessions?.[0]?.pid, pids.sleeper, 'the longest first');
      assert.ok(queries?.fix?.sql?.includes(`SELECT pg_cancel_backend(${pids.sleeper});`));

      const transactions = byId(report, 'long-transactions');
      for (const pid of Object.values(pids)) assert.ok(pidsOf(transactions).includes(pid), `pid ${pid}`);

      const locks = byId(report, 'lock-waits');
      assert.deepEqual(pidsOf(locks), [pids.waiter]);
      assert.deepEqual(locks?.sessions?.[0]?.blockedBy, [pids.holder]);
      assert.ok((locks?.sessions?.[0]?.lockWaitSeconds ?? 0) >= 1, 'the wait has a duration (14+)');
      // Severity by how long the wait has lasted: seconds are ordinary contention, named all the same.
      const waited = locks?.sessions?.[0]?.lockWaitSeconds ?? 0;
      assert.equal(locks?.severity, waited > 30 ? 'critical' : waited > 10 ? 'warning' : 'info');
      // The holder is idle in its transaction: only ending it releases the lock.
      assert.ok(locks?.fix?.sql?.includes(`SELECT pg_terminate_backend(${pids.holder});`));
    });

    it('judges long queries and transactions by the thresholds given, and the defaults by the guide', async () => {
      const lenient = await json('check-server', ['--db', server.url(), '--long-query-threshold', '1h']);
      assert.equal(byId(lenient, 'long-running-queries'), undefined, 'no query has run for an hour');
      assert.equal(byId(lenient, 'long-transactions'), undefined, "none is open for the default's 10min");
      assert.equal(
        byId(lenient, 'idle-in-transaction-sessions'),
        undefined,
        "none idle for the guide's 5min",
      );
      assert.ok(byId(lenient, 'lock-waits'), 'a lock wait has no threshold: it is always named');
      const strict = await json('check-server', ['--db', server.url(), '--long-query-threshold', '1s']);
      const longest = byId(strict, 'long-running-queries');
      const age = longest?.sessions?.[0]?.querySeconds ?? 0;
      assert.ok(age > 1);
      assert.equal(longest?.severity, age > 6 ? 'critical' : 'warning', 'critical only past 6 × 1s');
    });

    it('check-server names them in text too: pid, role, application, ages and the blocker', async () => {
      const r = await runCli([
        'check-server',
        '--db',
        server.url(),
        '--no-color',
        '--idle-in-transaction-threshold',
        '1s',
        '--long-query-threshold',
        '1s',
      ]);
      assert.equal(r.stderr, '');
      assert.match(
        r.stdout,
        new RegExp(
          `session: pid ${pids.idle}, role shop, application "billing-worker", from 127\\.0\\.0\\.1: idle in\\s+transaction for [\\d.]+s, transaction [\\d.]+s`,
        ),
      );
      assert.match(
        r.stdout,
        new RegExp(`session: pid ${pids.sleeper}, role shop, application "nightly-report"`),
      );
      assert.match(r.stdout, new RegExp(`blocked by pid ${pids.holder}`));
      assert.doesNotMatch(r.stdout, /pg_sleep/, 'no query text without --show-queries');
      const shown = await runCli([
        'check-server',
        '--db',
        server.url(),
        '--long-query-threshold',
        '1s',
        '--show-queries',
      ]);
      assert.match(shown.stdout, /query: select pg_sleep\(600\)/);
    });

    it('health names them the same way, with its own idle-in-transaction id', async () => {
      const report = await json('health', [
        '--db',
        server.url(),
        ...QUICK_HEALTH,
        '--idle-in-transaction-threshold',
        '1s',
        '--long-query-threshold',
        '1s',
        '--long-transaction-threshold',
        '1s',
      ]);
      assert.deepEqual(pidsOf(byId(report, 'idle-in-transaction')).sort(), [pids.idle, pids.holder].sort());
      assert.ok(pidsOf(byId(report, 'long-running-queries')).includes(pids.sleeper));
      assert.ok(pidsOf(byId(report, 'long-transactions')).includes(pids.idle));
      assert.deepEqual(byId(report, 'lock-waits')?.sessions?.[0]?.blockedBy, [pids.holder]);
      const text = await runCli(['health', '--db', server.url(), '--no-color', ...QUICK_HEALTH]);
      assert.match(
        text.stdout,
        new RegExp(`session: pid ${pids.waiter}, role shop, application "checkout-api"`),
      );
      assert.match(text.stdout, new RegExp(`blocked by pid ${pids.holder}`));
    });

    it('a role without pg_monitor sees the lock wait and its blocker, and nothing it cannot see', async () => {
      for (const command of ['check-server', 'health']) {
        const report = await json(command, [
          '--db',
          server.url('watcher'),
          ...(command === 'health' ? QUICK_HEALTH : []),
          '--long-query-threshold',
          '1s',
        ]);
        const locks = byId(report, 'lock-waits');
        assert.deepEqual(pidsOf(locks), [pids.waiter], command);
        const waiter = locks?.sessions?.[0];
        assert.deepEqual(waiter?.blockedBy, [pids.holder]);
        assert.equal(waiter?.role, 'shop');
        assert.equal(waiter?.application, 'checkout-api');
        assert.equal(waiter?.state, null, "another role's state is hidden, not guessed");
        assert.equal(waiter?.querySeconds, null);
        assert.ok((waiter?.lockWaitSeconds ?? 0) >= 1, 'pg_locks gives the wait its duration');
        assert.equal(byId(report, 'long-running-queries'), undefined, "the sleeper's age is hidden from it");
        assert.ok(report.skipped.some((s) => s.id === 'session-states'));
      }
      const text = await runCli(['check-server', '--db', server.url('watcher'), '--no-color']);
      assert.match(
        text.stdout,
        new RegExp(
          `session: pid ${pids.waiter}, role shop, application "checkout-api": state hidden from this role,\\s+lock wait`,
        ),
      );
    });
  });
}
