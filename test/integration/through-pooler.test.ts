/**
 * pooltune through a real PgBouncer in transaction mode: every command connects, a writing --query is
 * refused and writes nothing, only reads and pooltune's own per-transaction bounds reach the server, and
 * nothing of pooltune's (timeouts, read-only, its name) is left for the next client of the pool.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { pooltuneSessionsLeft, startServer, type TestServer } from '../helpers/postgres.js';
import { loggedStatements, logLength, onlyReadsAndBounds } from '../helpers/statements.js';

/** What the next client of the pool sees of the settings pooltune bounds itself with. */
async function nextClientSees(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(
      `select current_setting('statement_timeout') as statement_timeout,
              current_setting('lock_timeout') as lock_timeout,
              current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout,
              current_setting('default_transaction_read_only') as default_transaction_read_only,
              current_setting('application_name') as application_name`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('through a transaction-mode PgBouncer', () => {
  let server: TestServer;
  let pooler: TestPgBouncer;
  // One server connection for every client: whatever pooltune left on it, the next client gets.
  let single: TestPgBouncer;
  let dir: string;
  before(async () => {
    server = await startServer({
      version: 15,
      settings: { log_statement: 'all', log_min_messages: 'warning', log_min_error_statement: 'panic' },
    });
    await server.sql('create table t (x int)');
    await server.sql('create role app login');
    pooler = await startPgBouncer(server, {
      poolMode: 'transaction',
      auth: { type: 'trust', users: { postgres: '', app: '' } },
    });
    single = await startPgBouncer(server, { poolMode: 'transaction', settings: { default_pool_size: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'pooltune-pooler-'));
    await writeFile(
      join(dir, 'pooltune.config.json'),
      JSON.stringify({ services: [{ name: 'api', instances: 2, pool: { maxConnections: 5 } }] }),
    );
  });
  after(async () => {
    await single?.stop();
    await pooler?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('every command connects, sends only reads and its own bounds, and leaves no session named pooltune', async () => {
    const setupEnd = await logLength(server.logFile);
    const url = pooler.url();
    const runs = [
      ['check-server', '--db', url],
      ['recommend', '--db', url, '-c', '10'],
      ['health', '--db', url, '--duration', '300ms'],
      ['preflight', '--db', url, '--duration', '300ms'],
      ['monitor', '--db', url, '--interval', '200ms', '--duration', '600ms'],
      ['bench', '--db', url, '--duration', '300ms', '--warmup', '100ms', '--pool-max', '4'],
    ];
    for (const args of runs) {
      const r = await runCli(args, { cwd: dir });
      assert.ok(r.code === 0 || r.code === 1, `${args[0]} through the pooler: exit ${r.code}: ${r.stderr}`);
      assert.match(r.stdout, /through (a pooler|PgBouncer)/, `${args[0]} says it went through a pooler`);
    }
    const statements = await loggedStatements(server.logFile, setupEnd);
    assert.ok(statements.length > 50, `the log has pooltune's statements (${statements.length})`);
    assert.deepEqual(
      statements.filter((text) => !onlyReadsAndBounds(text, 'pooler')),
      [],
      'only reads and per-transaction bounds',
    );
    assert.ok(
      statements.some((text) => /^BEGIN READ ONLY; SET LOCAL application_name = 'pooltune'/.test(text)),
      'each statement ran in a read-only transaction of its own',
    );
    assert.ok(
      statements.some((text) => /^BEGIN READ ONLY; SET LOCAL .*; SELECT 1; ROLLBACK$/.test(text)),
      "pooltune's own probe statement goes with its guard in one round trip",
    );
    assert.equal(await pooltuneSessionsLeft(server), 0, 'no server connection keeps the name pooltune');
    const json = await runCli(['check-server', '--db', url, '--json']);
    assert.deepEqual(JSON.parse(json.stdout).pooler, {
      seenBy: 'backend-pid',
      sessionThrough: true,
      console: `postgres@127.0.0.1:${pooler.port}/pgbouncer`,
      product: 'pgbouncer',
      version: pooler.version.replace('PgBouncer ', ''),
      poolMode: 'transaction',
      unread: null,
      unreadHint: null,
    });
    const direct = await runCli(['check-server', '--db', server.url(), '--json']);
    assert.equal(JSON.parse(direct.stdout).pooler, null, 'straight to PostgreSQL: no pooler');
  });

  it("reads the pooler's console when it can, says why when it cannot, and reads a named one", async () => {
    const text = await runCli(['health', '--db', pooler.url(), '--duration', '200ms']);
    assert.match(
      text.stdout,
      new RegExp(`through PgBouncer ${pooler.version.replace('PgBouncer ', '')} \\(transaction mode\\)`),
    );
    // app may use the pool but not the console: the run goes on and says what would let it read it.
    const app = await runCli(['check-server', '--db', pooler.url('app'), '--json']);
    assert.ok(app.code === 0 || app.code === 1, app.stderr);
    const seen = JSON.parse(app.stdout).pooler;
    assert.equal(seen.sessionThrough, true);
    assert.equal(seen.version, null);
    assert.match(seen.unread, /not allowed/);
    assert.match(seen.unreadHint, /stats_users/);
    // Straight to the server, with the applications' pooler named.
    const named = await runCli(['check-server', '--db', server.url(), '--pooler', pooler.adminUrl()]);
    assert.match(
      named.stdout,
      /pooler PgBouncer [\d.]+ \(transaction mode by default\) read at postgres@127\.0\.0\.1:\d+\/pgbouncer/,
    );
    // A named console that cannot be read is an error: the user asked for it.
    const wrong = await runCli(['check-server', '--db', server.url(), '--pooler', pooler.url('app')]);
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.equal(
      wrong.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('  hint')).length,
      1,
    );
  });

  it('refuses a writing --query, which writes nothing', async () => {
    for (const query of ['insert into t values (1)', 'commit', 'create table sneaky (x int)']) {
      const r = await runCli(['health', '--db', pooler.url(), '--duration', '200ms', '--query', query]);
      if (query === 'commit') continue; // harmless: it ends pooltune's own read-only transaction
      assert.equal(r.code, 2, `${query}: ${r.stderr}`);
      assert.match(r.stderr, /read-only/, r.stderr);
    }
    const [rows] = await server.sql<{ n: number }>('select count(*)::int n from t');
    assert.equal(rows?.n, 0, 'no row was written');
    const [sneaky] = await server.sql<{ n: number }>(
      "select count(*)::int n from pg_class where relname = 'sneaky'",
    );
    assert.equal(sneaky?.n, 0);
  });

  it('works through a session-mode PgBouncer too, and leaves no session named pooltune', async () => {
    const session = await startPgBouncer(server, { poolMode: 'session', settings: { default_pool_size: 2 } });
    try {
      for (const args of [
        ['check-server', '--db', session.url()],
        ['health', '--db', session.url(), '--duration', '200ms'],
        ['bench', '--db', session.url(), '--duration', '200ms', '--warmup', '50ms', '--pool-max', '2'],
      ]) {
        const r = await runCli(args);
        assert.ok(r.code === 0 || r.code === 1, `${args[0]}: exit ${r.code}: ${r.stderr}`);
        assert.match(r.stdout, /through PgBouncer [\d.]+ \(session mode\)/, args[0]);
      }
      assert.equal(await pooltuneSessionsLeft(server), 0);
      const sees = await nextClientSees(session.url());
      assert.equal(sees?.default_transaction_read_only, 'off');
      assert.equal(sees?.statement_timeout, '0');
    } finally {
      await session.stop();
    }
  });

  it("leaves none of its settings to the next client of the pool's one server connection", async () => {
    const before = await nextClientSees(single.url());
    assert.equal(before?.default_transaction_read_only, 'off');
    for (const args of [
      ['check-server', '--db', single.url()],
      // A user's query that sets things is rolled back with pooltune's transaction.
      ['health', '--db', single.url(), '--duration', '200ms', '--query', 'set statement_timeout = 1234'],
      ['monitor', '--db', single.url(), '--interval', '100ms', '--duration', '300ms'],
    ]) {
      const r = await runCli(args);
      assert.ok(r.code === 0 || r.code === 1, `${args[0]}: exit ${r.code}: ${r.stderr}`);
    }
    assert.deepEqual(await nextClientSees(single.url()), before);
  });

  it('refuses a --query that would leave a PREPARE or a session advisory lock on the pooled connection, and undoes it', async () => {
    /** What the next client of the one server connection finds held or prepared there. */
    const leftOnConnection = async () => {
      const client = new pg.Client({ connectionString: single.url() });
      await client.connect();
      try {
        const { rows } = await client.query<{ prepared: number; locks: number }>(
          `select (select count(*)::int from pg_prepared_statements where from_sql) as prepared,
                  (select count(*)::int from pg_locks where locktype = 'advisory') as locks`,
        );
        return rows[0];
      } finally {
        await client.end();
      }
    };
    assert.deepEqual(await leftOnConnection(), { prepared: 0, locks: 0 });
    const cases = [
      {
        args: ['health', '--duration', '200ms', '--query', 'select pg_advisory_lock(42)'],
        left: /a session-level advisory lock \(42\)/,
      },
      {
        args: ['health', '--duration', '200ms', '--query', 'select pg_advisory_lock_shared(-7, 9)'],
        left: /a session-level advisory lock \(-7, 9 shared\)/,
      },
      {
        args: [
          'bench',
          '--duration',
          '300ms',
          '--warmup',
          '100ms',
          '--pool-max',
          '1',
          '--query',
          'prepare pooltune_probe as select 1',
        ],
        left: /a prepared statement \(pooltune_probe\)/,
      },
    ];
    for (const { args, left } of cases) {
      const r = await runCli([...args, '--db', single.url()]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^pooltune: error: --query left /);
      assert.match(r.stderr, left);
      assert.match(r.stderr, /next client would get; pooltune undid it and ran nothing more/);
      assert.deepEqual(await leftOnConnection(), { prepared: 0, locks: 0 }, args.join(' '));
    }
    // A lock that ends with the transaction is fine: the run goes on.
    const r = await runCli([
      'health',
      '--db',
      single.url(),
      '--duration',
      '200ms',
      '--query',
      'select pg_advisory_xact_lock(42)',
    ]);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    assert.deepEqual(await leftOnConnection(), { prepared: 0, locks: 0 });
  });
});
