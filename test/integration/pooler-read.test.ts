import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ConnectionError } from '../../src/core/errors.js';
import { EXIT_CODE } from '../../src/core/exit-codes.js';
import type { PoolerFacts, PoolerPool } from '../../src/core/pooler/facts.js';
import { isConsoleTarget } from '../../src/pipeline/pooler.js';
import { consoleTargetOf, describeConsole, readPoolerFacts } from '../../src/probes/pooler.js';
import type { ConnectionTarget } from '../../src/probes/target.js';
import { startSilentListener } from '../helpers/hanging-server.js';
import { type PgBouncerOptions, startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const ADMIN_PASSWORD = 'admin:secret@%';
const MONITOR_PASSWORD = 'm0n:itor/pw';
const APP_PASSWORD = 'app-secret';
const WRONG_PASSWORD = 'wr0ng:pa55/word';
const OPTIONS = { connectTimeoutMs: 5_000, env: {} };

function consoleTarget(bouncer: TestPgBouncer, user: string, password: string | undefined): ConnectionTarget {
  return {
    host: bouncer.host,
    port: bouncer.port,
    user,
    database: 'pgbouncer',
    password,
    // PgBouncer offers no TLS here: "prefer" must fall back to a plain connection, as libpq does.
    sslMode: 'prefer',
    sslRootCert: undefined,
    connectTimeoutMs: undefined,
    source: '--pooler',
  };
}

/** A client through the pooler, as an app would have. */
async function appClient(bouncer: TestPgBouncer, database: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: bouncer.url('app', database, APP_PASSWORD) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const poolOf = (facts: PoolerFacts, database: string): PoolerPool | undefined =>
  facts.pools.find((p) => p.database === database && p.user === 'app');

/** Asserts a one-line ConnectionError (exit 3) without any of the passwords. */
async function rejectsCleanly(work: Promise<unknown>, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.exitCode, EXIT_CODE.unreachable);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
    if (hint) assert.match(error.hints.join('\n'), hint);
    const text = [error.message, ...error.hints].join('\n');
    for (const password of [ADMIN_PASSWORD, MONITOR_PASSWORD, APP_PASSWORD, WRONG_PASSWORD])
      for (const form of [password, encodeURIComponent(password)])
        assert.ok(!text.includes(form), `no password in: ${text}`);
    return true;
  });
}

// Debian's 1.18 in CI; the version-dependent fields are checked against whatever release the harness runs.
describe("reading PgBouncer's admin console", () => {
  let server: TestServer;
  const bouncers: TestPgBouncer[] = [];
  const clients: pg.Client[] = [];
  const start = async (options: PgBouncerOptions) => {
    const bouncer = await startPgBouncer(server, options);
    bouncers.push(bouncer);
    return bouncer;
  };
  const users = { postgres: ADMIN_PASSWORD, monitor: MONITOR_PASSWORD, app: APP_PASSWORD };

  before(async () => {
    server = await startServer({ version: PG_VERSIONS[0] });
    await server.sql('CREATE ROLE app LOGIN');
    await server.sql('CREATE DATABASE appdb OWNER app');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await Promise.all(bouncers.map((b) => b.stop()));
    await server?.stop();
  });

  describe('in transaction mode', () => {
    let bouncer: TestPgBouncer;
    before(async () => {
      bouncer = await start({
        poolMode: 'transaction',
        settings: {
          default_pool_size: 7,
          max_client_conn: 33,
          server_idle_timeout: 42,
          reserve_pool_timeout: 2.5,
          ignore_startup_parameters: 'extra_float_digits, options',
          admin_users: 'postgres',
          stats_users: 'postgres, monitor',
        },
        databases: { appdb: { pool_size: 1 }, appdb_big: { dbname: 'appdb' } },
        auth: { type: 'md5', users },
      });
    });

    it('reads the settings typed, in ms, and leaves the console itself out', async () => {
      const facts = await readPoolerFacts(consoleTarget(bouncer, 'postgres', ADMIN_PASSWORD), OPTIONS);
      assert.equal(facts.product, 'pgbouncer');
      assert.equal(`PgBouncer ${facts.version}`, bouncer.version);
      const [major, minor, patch] = facts.version.split('.').map(Number) as [number, number, number];
      assert.equal(facts.versionNum, major * 10_000 + minor * 100 + patch);
      assert.ok(facts.versionNum >= 11800);
      assert.equal(facts.console, `postgres@127.0.0.1:${bouncer.port}`);
      const { config } = facts;
      assert.equal(config.poolMode, 'transaction');
      assert.equal(config.defaultPoolSize, 7);
      assert.equal(config.maxClientConn, 33);
      assert.equal(config.serverIdleTimeoutMs, 42_000);
      assert.equal(config.reservePoolTimeoutMs, 2_500);
      assert.equal(config.serverLifetimeMs, 3_600_000);
      assert.equal(config.queryWaitTimeoutMs, 120_000);
      assert.deepEqual(config.ignoreStartupParameters, ['extra_float_digits', 'options']);
      assert.deepEqual(config.statsUsers, ['postgres', 'monitor']);
      assert.deepEqual(config.adminUsers, ['postgres']);
      // Both arrived later: 1.21 and 1.25.
      assert.equal(config.maxPreparedStatements === null, facts.versionNum < 12100);
      assert.equal(config.transactionTimeoutMs, facts.versionNum < 12500 ? null : 0);
      assert.equal(config.raw.get('listen_port'), String(bouncer.port));

      const appdb = facts.databases.find((d) => d.name === 'appdb');
      assert.equal(appdb?.poolSize, 1);
      assert.equal(appdb?.port, server.port);
      assert.equal(appdb?.database, 'appdb');
      assert.equal(facts.databases.find((d) => d.name === 'appdb_big')?.poolSize, 7);
      assert.equal(
        facts.databases.find((d) => d.name === 'pgbouncer'),
        undefined,
      );
      assert.equal(
        facts.users.find((u) => u.name === 'pgbouncer'),
        undefined,
      );
      assert.equal(
        facts.pools.find((p) => p.database === 'pgbouncer'),
        undefined,
      );
      assert.equal(
        facts.stats.find((s) => s.database === 'pgbouncer'),
        undefined,
      );
      assert.ok(facts.lists.databases >= 3, `lists: ${JSON.stringify(facts.lists)}`);
      assert.ok(facts.lists.usedClients >= 1, 'the reading client itself');
    });

    it('shows clients queued behind a full pool, and the wait in the totals once they are served', async () => {
      const admin = consoleTarget(bouncer, 'postgres', ADMIN_PASSWORD);
      const before = await readPoolerFacts(admin, OPTIONS);
      const xactsBefore = before.stats.find((s) => s.database === 'appdb')?.totalXactCount ?? 0;

      // One client holds the pool's only server connection in an open transaction; the next one queues.
      const holder = await appClient(bouncer, 'appdb');
      const queued = await appClient(bouncer, 'appdb');
      clients.push(holder, queued);
      await holder.query('BEGIN');
      await holder.query('select 1');
      const waiting = queued.query('select 2 as two');

      let during: PoolerFacts | undefined;
      await waitFor('a queued client with a wait in SHOW POOLS', async () => {
        during = await readPoolerFacts(admin, OPTIONS);
        const pool = poolOf(during, 'appdb');
        return (pool?.clientsWaiting ?? 0) > 0 && (pool?.maxWaitMs ?? 0) > 0;
      });
      const pool = poolOf(during!, 'appdb');
      assert.equal(pool?.clientsWaiting, 1);
      assert.equal(pool?.serversActive, 1);
      assert.equal(pool?.poolMode, 'transaction');

      await holder.query('COMMIT');
      assert.deepEqual((await waiting).rows, [{ two: 2 }]);

      await waitFor('the served wait and both transactions in SHOW STATS', async () => {
        const after = await readPoolerFacts(admin, OPTIONS);
        const stats = after.stats.find((s) => s.database === 'appdb');
        return (stats?.totalXactCount ?? 0) >= xactsBefore + 2 && (stats?.totalWaitTimeMs ?? 0) > 0;
      });
      const after = await readPoolerFacts(admin, OPTIONS);
      const stats = after.stats.find((s) => s.database === 'appdb');
      assert.ok((stats?.totalXactTimeMs ?? 0) > 0);
      if (after.versionNum < 12300) {
        assert.equal(stats?.totalServerAssignmentCount, null, 'no server_assignment_count before 1.23');
        assert.equal(stats?.avgWaitTimeMeaning, 'per-second');
      } else {
        assert.ok((stats?.totalServerAssignmentCount ?? 0) >= 2);
        assert.equal(stats?.avgWaitTimeMeaning, 'per-assignment');
      }
      assert.equal(poolOf(after, 'appdb')?.clientsWaiting, 0);
    });

    it('reads everything as a user in stats_users only', async () => {
      const facts = await readPoolerFacts(consoleTarget(bouncer, 'monitor', MONITOR_PASSWORD), OPTIONS);
      assert.equal(facts.config.defaultPoolSize, 7);
      assert.ok(facts.databases.length >= 2);
      assert.equal(facts.console, `monitor@127.0.0.1:${bouncer.port}`);
    });

    it('tells a user missing from stats_users how to get in', async () => {
      await rejectsCleanly(
        readPoolerFacts(consoleTarget(bouncer, 'app', APP_PASSWORD), OPTIONS),
        /PgBouncer at 127\.0\.0\.1:\d+ does not let "app" into its admin console \(not allowed\)/,
        /stats_users/,
      );
    });

    it('fails a wrong password in one line, without the password', async () => {
      await rejectsCleanly(
        readPoolerFacts(consoleTarget(bouncer, 'monitor', WRONG_PASSWORD), OPTIONS),
        /^password authentication failed for user "monitor" at PgBouncer's console 127\.0\.0\.1:\d+$/,
        /auth_file/,
      );
    });

    it('takes the password from the password file when the target has none', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pooltune-pooler-pgpass-'));
      try {
        const file = join(dir, 'pgpass');
        const escaped = MONITOR_PASSWORD.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
        await writeFile(file, `127.0.0.1:${bouncer.port}:pgbouncer:monitor:${escaped}\n`, { mode: 0o600 });
        const facts = await readPoolerFacts(consoleTarget(bouncer, 'monitor', undefined), {
          ...OPTIONS,
          env: { PGPASSFILE: file },
        });
        assert.equal(facts.config.maxClientConn, 33);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('sends no startup parameter from PGOPTIONS or PGAPPNAME, which the console would refuse', async () => {
      const saved = { options: process.env.PGOPTIONS, app: process.env.PGAPPNAME };
      process.env.PGOPTIONS = '-c statement_timeout=5000';
      process.env.PGAPPNAME = 'someone-else';
      try {
        const facts = await readPoolerFacts(consoleTarget(bouncer, 'monitor', MONITOR_PASSWORD), OPTIONS);
        assert.equal(facts.config.poolMode, 'transaction');
      } finally {
        for (const [name, value] of [
          ['PGOPTIONS', saved.options],
          ['PGAPPNAME', saved.app],
        ] as const) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    });
  });

  describe('in session mode', () => {
    it('reads the pool mode of the pooler and of its pools', async () => {
      const bouncer = await start({
        poolMode: 'session',
        settings: { default_pool_size: 3 },
        databases: { appdb_s: { dbname: 'appdb', pool_size: 2 } },
        auth: { type: 'md5', users },
      });
      const client = await appClient(bouncer, 'appdb_s');
      clients.push(client);
      await client.query('select 1');
      const facts = await readPoolerFacts(consoleTarget(bouncer, 'postgres', ADMIN_PASSWORD), OPTIONS);
      assert.equal(facts.config.poolMode, 'session');
      assert.equal(facts.config.defaultPoolSize, 3);
      const pool = poolOf(facts, 'appdb_s');
      assert.equal(pool?.poolMode, 'session');
      assert.equal(pool?.serversActive, 1, 'session mode keeps the server with the client');
      assert.equal(facts.databases.find((d) => d.name === 'appdb_s')?.poolSize, 2);
    });
  });

  describe('a target that is not a PgBouncer console', () => {
    it('says PostgreSQL answers when the port is the server’s', async () => {
      const target = { ...consoleTarget(bouncers[0]!, 'postgres', undefined), port: server.port };
      await rejectsCleanly(
        readPoolerFacts(target, OPTIONS),
        /has no database "pgbouncer": PostgreSQL answers there/,
      );
    });

    it('says so when a PostgreSQL database is called pgbouncer', async () => {
      await server.sql('CREATE DATABASE pgbouncer');
      const target = { ...consoleTarget(bouncers[0]!, 'postgres', undefined), port: server.port };
      await rejectsCleanly(
        readPoolerFacts(target, OPTIONS),
        /is not a PgBouncer admin console: it announced server_version \d+/,
      );
    });

    it('names a database the pooler does not have', async () => {
      const target = { ...consoleTarget(bouncers[0]!, 'postgres', ADMIN_PASSWORD), database: 'nope' };
      await rejectsCleanly(readPoolerFacts(target, OPTIONS), /^PgBouncer at .* has no database "nope"$/);
    });

    it('gives up on an endpoint that never answers within the connect timeout', async () => {
      const silent = await startSilentListener();
      try {
        const target = { ...consoleTarget(bouncers[0]!, 'postgres', undefined), port: silent.port };
        await rejectsCleanly(
          readPoolerFacts(target, { ...OPTIONS, connectTimeoutMs: 300 }),
          /^no answer from 127\.0\.0\.1:\d+ within 300ms/,
        );
      } finally {
        await silent.close();
      }
    });

    it('says nothing listens when the port is closed', async () => {
      const bouncer = await start({ poolMode: 'transaction' });
      const target = consoleTarget(bouncer, 'postgres', undefined);
      await bouncer.stop();
      await rejectsCleanly(
        readPoolerFacts(target, OPTIONS),
        /connection refused by .*: no PgBouncer listening/,
      );
    });
  });

  it('names the console of any target at the same endpoint', () => {
    const app: ConnectionTarget = {
      ...consoleTarget(bouncers[0]!, 'app', APP_PASSWORD),
      database: 'appdb',
      sslMode: 'require',
    };
    const console = consoleTargetOf(app);
    assert.deepEqual(console, { ...app, database: 'pgbouncer' });
    assert.equal(isConsoleTarget(app), false);
    assert.equal(isConsoleTarget(console), true);
    assert.equal(describeConsole({ ...console, host: '::1' }), `app@[::1]:${console.port}`);
  });
});
