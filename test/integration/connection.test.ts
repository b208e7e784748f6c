import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withSession } from '../../src/probes/connect.js';
import { resolveTarget } from '../../src/probes/target.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startSilentListener } from '../helpers/hanging-server.js';
import { PG_VERSIONS, freePort, startServer, type TestServer } from '../helpers/postgres.js';

const PASSWORD = 'S3cret:/@pass%word-ÿ';
const NO_STACK = /\n\s+at |node:internal/;

function assertCleanFailure(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, `exit ${code}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^pooltune: error: /);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, NO_STACK);
  assert.ok(r.stderr.trim().split('\n').length <= 2, `one line plus a hint: ${r.stderr}`);
  for (const form of [PASSWORD, encodeURIComponent(PASSWORD)])
    assert.ok(!r.stderr.includes(form), 'no password');
}

for (const version of PG_VERSIONS) {
  describe(`connections to PostgreSQL ${version}`, () => {
    let server: TestServer;
    let scratch: string;
    before(async () => {
      server = await startServer({ version, auth: 'scram-sha-256', settings: { max_connections: 50 } });
      await server.sql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD.replaceAll("'", "''")}'`);
      await server.sql('CREATE TABLE public.t (x int)');
      await server.sql('GRANT ALL ON public.t TO app');
      scratch = await mkdtemp(join(tmpdir(), 'pooltune-conn-'));
    });
    after(async () => {
      await server?.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    it('opens sessions that are read-only, named pooltune, and bounded', async () => {
      const target = resolveTarget(server.url('app', 'postgres', PASSWORD), {});
      await withSession(target, { connectTimeoutMs: 5000, env: {} }, async (session) => {
        const [row] = await session.query<{ ro: string; app: string; st: string }>(
          `select current_setting('default_transaction_read_only') ro,
                  (select application_name from pg_stat_activity where pid = pg_backend_pid()) app,
                  current_setting('statement_timeout') st`,
        );
        assert.deepEqual(row, { ro: 'on', app: 'pooltune', st: '10s' });
        await assert.rejects(
          session.query('INSERT INTO public.t VALUES (1)'),
          (e: { code?: string }) => e.code === '25006',
        );
      });
      const left = await server.sql<{ n: string }>(
        "select count(*) n from pg_stat_activity where application_name = 'pooltune'",
      );
      assert.equal(left[0]?.n, '0', 'the session is closed afterwards');
    });

    it('recommend --db caps at what the usable slots allow and shows the arithmetic', async () => {
      const r = await runCli([
        'recommend',
        '--db',
        server.url('app', 'postgres', PASSWORD),
        '-w',
        'oltp',
        '-c',
        '100',
        '--no-color',
      ]);
      assert.equal(r.code, 1, r.stderr);
      // 50 − 3 superuser-reserved (− 0 reserved on 16+) = 47; floor(47 × 0.8) = 37
      assert.match(r.stdout, /= 50 − 3 − 0 = 47/);
      assert.match(r.stdout, /= floor\(47 × 0\.8\) = floor\(37\.6\) = 37/);
      assert.match(r.stdout, /= min\(120, 37\) = 37/);
      assert.match(r.stdout, /server max_connections\s+│ 50\s+│ server/);
      assert.match(r.stdout, new RegExp(`Recommended pool|app@127\\.0\\.0\\.1:${server.port}/postgres`));
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stdout.includes(encodeURIComponent(PASSWORD)));
    });

    it('recommend --db --account-for-others takes the connections other applications hold', async () => {
      const holders = await Promise.all(Array.from({ length: 7 }, () => server.client()));
      try {
        const r = await runCli([
          'recommend',
          '--db',
          server.url('app', 'postgres', PASSWORD),
          '-w',
          'oltp',
          '-c',
          '10',
          '--account-for-others',
          '--json',
        ]);
        const doc = JSON.parse(r.stdout) as {
          target: string;
          recommendation: { fleet: { usableSlots: number } };
        };
        assert.equal(doc.recommendation.fleet.usableSlots, 40, '50 − 3 − 7');
        assert.equal(doc.target, `app@127.0.0.1:${server.port}/postgres`);
      } finally {
        await Promise.all(holders.map((c) => c.end()));
      }
    });

    it('takes the password from PGPASSFILE, and from DATABASE_URL and PG* variables', async () => {
      const pgpass = join(scratch, 'pgpass');
      await writeFile(pgpass, `127.0.0.1:${server.port}:*:app:${PASSWORD.replaceAll(':', '\\:')}\n`);
      await chmod(pgpass, 0o600);
      const viaFile = await runCli(['check-server', '--db', server.url('app'), '--json'], {
        env: { PGPASSFILE: pgpass },
      });
      assert.equal(viaFile.code, 0, viaFile.stderr);
      const viaEnv = await runCli(['check-server', '--json'], {
        env: {
          PGHOST: '127.0.0.1',
          PGPORT: String(server.port),
          PGUSER: 'app',
          PGDATABASE: 'postgres',
          PGPASSWORD: PASSWORD,
        },
      });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.equal(
        (JSON.parse(viaEnv.stdout) as { target: string }).target,
        `app@127.0.0.1:${server.port}/postgres`,
      );
      const viaUrl = await runCli(['check-server', '--json'], {
        env: { DATABASE_URL: server.url('app', 'postgres', PASSWORD) },
      });
      assert.equal(viaUrl.code, 0, viaUrl.stderr);
    });

    describe('failures: the documented exit code, one line and a hint, no password, no stack trace', () => {
      it('a URL that does not parse (2)', async () => {
        assertCleanFailure(
          await runCli(['check-server', '--db', `postgres://app:${PASSWORD}@127.0.0.1:99999/x`]),
          2,
          /--db is not a valid connection URL/,
        );
      });
      it('a wrong password (3)', async () => {
        assertCleanFailure(
          await runCli(['check-server', '--db', server.url('app', 'postgres', `${PASSWORD}-wrong`)]),
          3,
          /password authentication failed for user "app"/,
        );
      });
      it('a database that does not exist (3)', async () => {
        assertCleanFailure(
          await runCli(['check-server', '--db', server.url('app', 'nope', PASSWORD)]),
          3,
          /database "nope" does not exist/,
        );
      });
      it('a refused port (3)', async () => {
        const port = await freePort();
        assertCleanFailure(
          await runCli([
            'check-server',
            '--db',
            `postgres://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/x`,
          ]),
          3,
          /connection refused by 127\.0\.0\.1/,
        );
      });
      it('an unknown host (3)', async () => {
        assertCleanFailure(
          await runCli([
            'recommend',
            '-w',
            'oltp',
            '--db',
            `postgres://app:${encodeURIComponent(PASSWORD)}@no-such-host.invalid/x`,
          ]),
          3,
          /unknown host 'no-such-host\.invalid'/,
        );
      });
      it('sslmode=require against a server without TLS (3)', async () => {
        assertCleanFailure(
          await runCli([
            'check-server',
            '--db',
            `${server.url('app', 'postgres', PASSWORD)}?sslmode=require`,
          ]),
          3,
          /does not accept TLS, but sslmode requires it/,
        );
      });
      it('a server that accepts TCP and never answers gives up after --connect-timeout (3)', async () => {
        const silent = await startSilentListener();
        try {
          const started = Date.now();
          const r = await runCli([
            'check-server',
            '--db',
            `postgres://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:${silent.port}/x`,
            '--connect-timeout',
            '1s',
          ]);
          const elapsed = Date.now() - started;
          assertCleanFailure(r, 3, /no answer from 127\.0\.0\.1:\d+ within 1s \(--connect-timeout\)/);
          assert.ok(elapsed < 5000, `gave up after ${elapsed} ms`);
        } finally {
          await silent.close();
        }
      });
    });
  });
}
