import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startSilentListener } from '../helpers/hanging-server.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { type PgBouncerOptions, startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';

interface Pool {
  database: string;
  user: string;
  cl_waiting: number;
  sv_idle: number;
  pool_mode: string;
}

/** Whether a process with this id still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether nothing listens on the port: we can bind it ourselves. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function through<T extends pg.QueryResultRow>(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() pid')).rows as [
      { pid: number },
    ];
    return {
      rows: (await client.query<T>(text)).rows,
      announcedPid: (client as unknown as { processID: number }).processID,
      backendPid: pid,
    };
  } finally {
    await client.end();
  }
}

for (const version of PG_VERSIONS) {
  describe(`PgBouncer harness in front of PostgreSQL ${version}`, () => {
    let server: TestServer;
    const bouncers: TestPgBouncer[] = [];
    const start = async (options: PgBouncerOptions) => {
      const bouncer = await startPgBouncer(server, options);
      bouncers.push(bouncer);
      return bouncer;
    };
    before(async () => {
      server = await startServer({ version });
      await server.sql('CREATE ROLE app LOGIN');
      await server.sql('CREATE DATABASE appdb OWNER app');
    });
    after(async () => {
      await Promise.all(bouncers.map((b) => b.stop()));
      await server?.stop();
    });

    it('passes queries through a transaction-mode pooler, whose console lists the pool', async () => {
      const bouncer = await start({ poolMode: 'transaction', auth: { users: { postgres: '', app: '' } } });
      assert.match(bouncer.version, /^PgBouncer \d+\.\d+/);
      const { rows, announcedPid, backendPid } = await through<{ one: number }>(
        bouncer.url('app', 'appdb'),
        'select 1 as one',
      );
      assert.deepEqual(rows, [{ one: 1 }]);
      // The sign pooltune will use to tell a pooler: the pid announced at login is PgBouncer's own key.
      assert.notEqual(announcedPid, backendPid);

      const pools = await bouncer.sql<Pool>('SHOW POOLS');
      const pool = pools.find((p) => p.database === 'appdb' && p.user === 'app');
      assert.ok(pool, `appdb/app in SHOW POOLS: ${JSON.stringify(pools)}`);
      assert.equal(pool.pool_mode, 'transaction');
      assert.equal(pool.cl_waiting, 0);
    });

    it('answers every console command pooltune will read over the simple query protocol', async () => {
      const bouncer = await start({ poolMode: 'transaction', settings: { default_pool_size: 3 } });
      await through(bouncer.url(), 'select 1');
      const config = await bouncer.sql<{ key: string; value: string }>('SHOW CONFIG');
      const value = (key: string) => config.find((row) => row.key === key)?.value;
      assert.deepEqual([value('pool_mode'), value('default_pool_size')], ['transaction', '3']);
      assert.equal(value('listen_port'), String(bouncer.port));
      const stats = await bouncer.sql<{ database: string; total_xact_count: string }>('SHOW STATS');
      assert.ok(Number(stats.find((row) => row.database === 'postgres')?.total_xact_count) >= 1);
      const databases = await bouncer.sql<{ name: string; port: number }>('SHOW DATABASES');
      assert.equal(databases.find((row) => row.name === 'postgres')?.port, server.port);
      const lists = await bouncer.sql<{ list: string; items: number }>('SHOW LISTS');
      assert.ok((lists.find((row) => row.list === 'pools')?.items ?? 0) >= 2);
    });

    it('runs a session-mode pooler with per-database entries', async () => {
      const bouncer = await start({
        poolMode: 'session',
        databases: { appdb_s: { dbname: 'appdb', pool_size: 2 } },
        auth: { users: { postgres: '', app: '' } },
      });
      const { rows } = await through<{ db: string }>(
        bouncer.url('app', 'appdb_s'),
        'select current_database() db',
      );
      assert.deepEqual(rows, [{ db: 'appdb' }]);
      const pool = (await bouncer.sql<Pool>('SHOW POOLS')).find((p) => p.database === 'appdb_s');
      assert.equal(pool?.pool_mode, 'session');
      const entry = (await bouncer.sql<{ name: string; pool_size: number }>('SHOW DATABASES')).find(
        (row) => row.name === 'appdb_s',
      );
      assert.equal(entry?.pool_size, 2);
    });

    it('logs clients in with SCRAM against its userlist', async () => {
      const bouncer = await start({
        poolMode: 'transaction',
        auth: { type: 'scram-sha-256', users: { postgres: 'admin-secret', app: 'app-secret' } },
      });
      const { rows } = await through<{ who: string }>(
        bouncer.url('app', 'appdb', 'app-secret'),
        'select current_user who',
      );
      assert.deepEqual(rows, [{ who: 'app' }]);
      await assert.rejects(
        through(bouncer.url('app', 'appdb', 'wrong'), 'select 1'),
        /SASL authentication failed/,
      );
      assert.ok((await bouncer.sql('SHOW POOLS')).length >= 1, 'the console takes the admin password');
    });

    it('leaves no process, port or folder behind after stop()', async () => {
      const bouncer = await start({ poolMode: 'transaction' });
      await through(bouncer.url(), 'select 1');
      assert.equal(alive(bouncer.pid), true);
      await bouncer.stop();
      assert.equal(alive(bouncer.pid), false, `pgbouncer ${bouncer.pid} still runs`);
      assert.equal(await portFree(bouncer.port), true, `port ${bouncer.port} still taken`);
      assert.equal(existsSync(bouncer.dir), false);
      await bouncer.stop();
    });

    it('fails to start with the end of its log in the error', async () => {
      await assert.rejects(
        start({ poolMode: 'transaction', settings: { pool_mode: 'nonsense' } }),
        (error: Error) => /PgBouncer did not start/.test(error.message) && /nonsense/.test(error.message),
      );
    });

    it('fails at once, rather than waiting out its time, when its port is taken', async () => {
      const taken = await startSilentListener();
      try {
        const began = performance.now();
        await assert.rejects(
          start({ poolMode: 'transaction', port: taken.port }),
          /port is taken[^]*cannot listen on/,
        );
        assert.ok(performance.now() - began < 10_000);
      } finally {
        await taken.close();
      }
    });
  });
}
