/**
 * recommend for a pooled chain, against a real PgBouncer (Debian's) in front of a harness server: the
 * node-postgres config emitted with --behind-pooler transaction connects through a default transaction-mode
 * PgBouncer where the direct one is refused, and the --emit pgbouncer fragment starts a PgBouncer that
 * clients connect through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';

/** The `{ … }` handed to `new pg.Pool(…)` in emitted node-postgres code, evaluated with this DATABASE_URL. */
function poolConfig(code: string, databaseUrl: string): pg.PoolConfig {
  const start = code.indexOf('new pg.Pool(');
  const end = code.lastIndexOf(');');
  assert.ok(start >= 0 && end > start, `a new pg.Pool(…) call in:\n${code}`);
  const literal = code.slice(start + 'new pg.Pool('.length, end);
  // The emitted object reads process.env.DATABASE_URL; nothing else of the environment.
  const evaluate = new Function('process', `return (${literal});`) as (p: unknown) => pg.PoolConfig;
  return evaluate({ env: { DATABASE_URL: databaseUrl } });
}

async function emitted(args: readonly string[]): Promise<string> {
  const r = await runCli(['recommend', ...args, '--raw']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** One query through a pool built from `config`; the pool is ended whatever happens. */
async function queryThrough(config: pg.PoolConfig, text: string): Promise<pg.QueryResultRow[]> {
  const pool = new pg.Pool({ ...config, max: 1 });
  pool.on('error', () => undefined);
  try {
    return (await pool.query(text)).rows;
  } finally {
    await pool.end();
  }
}

for (const version of PG_VERSIONS) {
  describe(`recommend for a pooled chain, PgBouncer in front of PostgreSQL ${version}`, () => {
    let server: TestServer;
    const bouncers: TestPgBouncer[] = [];
    before(async () => {
      // idle_session_timeout set: the fragment's server_idle_timeout must come in under it.
      server = await startServer({ version, settings: { idle_session_timeout: '60s' } });
      await server.sql('CREATE ROLE app LOGIN');
      await server.sql('CREATE DATABASE appdb OWNER app');
    });
    after(async () => {
      await Promise.all(bouncers.map((b) => b.stop()));
      await server?.stop();
    });

    it('--behind-pooler transaction: the node-postgres config connects through a default transaction-mode PgBouncer, the direct one is refused there', async () => {
      const bouncer = await startPgBouncer(server, {
        poolMode: 'transaction',
        auth: { users: { postgres: '', app: '' } },
      });
      bouncers.push(bouncer);
      const through = bouncer.url('app', 'appdb');
      const common = ['--db', server.url('app', 'appdb'), '-w', 'oltp', '--emit', 'node-postgres'];

      // Today's output sends statement_timeout at connect time: PgBouncer refuses the connection.
      const direct = poolConfig(await emitted(common), through);
      assert.equal(direct.statement_timeout, 5000);
      await assert.rejects(queryThrough(direct, 'select 1'), (error: Error & { code?: string }) => {
        assert.match(error.message, /unsupported startup parameter/);
        assert.equal(error.code, '08P01');
        return true;
      });

      const code = await emitted([...common, '--behind-pooler', 'transaction']);
      const pooled = poolConfig(code, through);
      assert.equal(pooled.statement_timeout, undefined);
      assert.equal(pooled.options, undefined);
      // The timeout the config no longer sends is the role's: the SQL the code prints, run once.
      const alter = /ALTER ROLE "app" SET statement_timeout = '5s';/.exec(code)?.[0];
      assert.ok(alter, `the ALTER ROLE for the role in:\n${code}`);
      await server.sql(alter);
      try {
        const rows = await queryThrough(
          pooled,
          "select current_user as who, current_setting('statement_timeout') as timeout",
        );
        assert.deepEqual(rows, [{ who: 'app', timeout: '5s' }]);
      } finally {
        await server.sql('ALTER ROLE app RESET statement_timeout');
      }
    });

    it('--behind-pooler session: the node-postgres config connects through a session-mode PgBouncer', async () => {
      const bouncer = await startPgBouncer(server, {
        poolMode: 'session',
        auth: { users: { postgres: '', app: '' } },
      });
      bouncers.push(bouncer);
      const code = await emitted(['-w', 'oltp', '--emit', 'node-postgres', '--behind-pooler', 'session']);
      // Without --db the role is not known: the SQL names a placeholder.
      assert.match(code, /ALTER ROLE <application role> SET statement_timeout = '5s';/);
      const rows = await queryThrough(poolConfig(code, bouncer.url('app', 'appdb')), 'select 1 as one');
      assert.deepEqual(rows, [{ one: 1 }]);
    });

    it('--emit pgbouncer: the fragment starts a PgBouncer that clients connect through, its values in force', async () => {
      const fragment = await emitted([
        '--db',
        server.url('app', 'appdb'),
        '-w',
        'oltp',
        '--instances',
        '4',
        '--db-cores',
        '4',
        '--emit',
        'pgbouncer',
      ]);
      assert.match(
        fragment,
        new RegExp(`^appdb = host=127\\.0\\.0\\.1 port=${server.port} dbname=appdb$`, 'm'),
      );
      assert.doesNotMatch(fragment, /password\s*=/i);
      // 60s idle_session_timeout on the server: PgBouncer closes its idle servers first.
      assert.match(fragment, /^server_idle_timeout = 54$/m);
      // (4 cores × 2) + 0 spindles.
      assert.match(fragment, /^default_pool_size = 8$/m);

      const bouncer = await startPgBouncer(server, {
        poolMode: 'session',
        databases: {},
        extraIni: fragment,
        auth: { users: { postgres: '', app: '' } },
      });
      bouncers.push(bouncer);
      const config = new Map(
        (await bouncer.sql<{ key: string; value: string }>('SHOW CONFIG')).map((r) => [r.key, r.value]),
      );
      assert.equal(config.get('pool_mode'), 'transaction');
      assert.equal(config.get('default_pool_size'), '8');
      assert.equal(config.get('server_idle_timeout'), '54');
      assert.equal(config.get('ignore_startup_parameters'), 'extra_float_digits');
      // Every other value the fragment sets is in force too, none dropped as unknown on 1.18.
      for (const [, key, value] of fragment.matchAll(/^(\w+) = (\S+)$/gm)) {
        if (key === 'appdb') continue;
        assert.equal(config.get(key ?? ''), value, `${key} in SHOW CONFIG`);
      }
      const databases = await bouncer.sql<{ name: string; port: number; database: string }>('SHOW DATABASES');
      assert.ok(
        databases.some((d) => d.name === 'appdb' && d.port === server.port && d.database === 'appdb'),
        JSON.stringify(databases),
      );

      const client = new pg.Client({ connectionString: bouncer.url('app', 'appdb') });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string }>('select current_database() as db');
        assert.deepEqual(rows, [{ db: 'appdb' }]);
      } finally {
        await client.end();
      }
    });
  });
}
