import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { collectOutput, runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import {
  PG_VERSIONS,
  pooltuneSessions,
  startServer,
  type TestServer,
  untilPooltuneSessions,
} from '../helpers/postgres.js';

interface HealthJson {
  exitCode: number;
  probe: { wallMs: number; peakConnections: number };
  metrics: {
    connectivity: { samples: number; medianMs: number; maxMs: number };
    acquisition: {
      poolSize: number;
      requestedPoolSize: number;
      acquisitions: number;
      waits: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
    };
    queryLatency: {
      latency: { count: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
      warmupSamples: number;
    };
    utilisation: { utilisationPercent: number; otherClients: number; usableSlots: number };
  };
  findings: {
    id: string;
    severity: string;
    title: string;
    hints?: string[];
    fix?: { sql?: string[] };
    sessions?: { pid: number }[];
  }[];
}

async function health(args: string[]): Promise<{ code: number | null; doc: HealthJson; stderr: string }> {
  const r = await runCli(['health', ...args, '--json']);
  assert.ok(r.stdout.startsWith('{'), `JSON on stdout; stderr: ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as HealthJson, stderr: r.stderr };
}

for (const version of PG_VERSIONS) {
  describe(`health on PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        version,
        settings: { max_connections: 20, superuser_reserved_connections: 3 },
      });
      await server.sql('CREATE ROLE app LOGIN');
      await server.sql('CREATE TABLE public.t (x int)');
      await server.sql('GRANT ALL ON public.t TO app');
    });
    after(() => server?.stop());

    it('a healthy server: exit 0 in a few seconds, with connect, acquisition and query percentiles', async () => {
      const { code, doc } = await health(['--db', server.url()]);
      assert.equal(code, 0);
      // By its own clock: starting Node on a busy machine is not what health bounds.
      assert.ok(doc.probe.wallMs < 6000, `a few seconds: ${doc.probe.wallMs} ms`);
      const { connectivity, acquisition, queryLatency } = doc.metrics;
      assert.equal(connectivity.samples, 5);
      assert.ok(connectivity.medianMs > 0 && connectivity.maxMs >= connectivity.medianMs);
      assert.equal(acquisition.poolSize, 4);
      assert.ok(acquisition.acquisitions > 100);
      for (const l of [acquisition.waits, queryLatency.latency]) {
        assert.ok(l.p50Ms <= l.p95Ms && l.p95Ms <= l.p99Ms && l.p99Ms <= l.maxMs, JSON.stringify(l));
      }
      assert.equal(queryLatency.latency.count, 200);
      assert.equal(doc.probe.peakConnections, 5, 'its session and a pool of 4');
      assert.equal(await pooltuneSessions(server), 0, 'nothing left behind');
    });

    it('a nearly full server: shrinks its pool to leave the last free slots, and says so', async () => {
      const holders = await Promise.all(Array.from({ length: 12 }, () => server.client()));
      try {
        const { doc } = await health(['--db', server.url()]);
        // usable 17, 12 held, its own session 1: 4 free, keep 2 spare → a pool of 2
        assert.equal(doc.metrics.acquisition.poolSize, 2);
        assert.equal(doc.metrics.acquisition.requestedPoolSize, 4);
        assert.match(
          doc.findings.find((f) => f.id === 'probe-pool-shrunk')?.title ?? '',
          /used 2 connections instead of 4/,
        );
      } finally {
        await Promise.all(holders.map((c) => c.end()));
      }
    });

    it('a full server (17 of 17 usable slots held): exit 1, critical utilisation, the hints, and no pool probe', async () => {
      const holders = await Promise.all(Array.from({ length: 17 }, () => server.client()));
      try {
        const { code, doc } = await health(['--db', server.url()]);
        assert.equal(code, 1);
        const utilisation = doc.findings.find((f) => f.id === 'server-utilisation');
        assert.equal(utilisation?.severity, 'critical');
        assert.deepEqual(utilisation?.hints, ['too-many-connections']);
        assert.equal(doc.metrics.acquisition.poolSize, 0);
        const text = await runCli(['health', '--db', server.url(), '--no-color']);
        assert.match(text.stdout, /The server refuses connections \("too many connections"\)/);
        assert.match(text.stdout, /The pool probe did not run/);
      } finally {
        await Promise.all(holders.map((c) => c.end()));
      }
    });

    it('reports a session idle in a transaction past the threshold, with its age and the setting that ends it', async () => {
      const idle = await server.client();
      try {
        await idle.query('BEGIN');
        await idle.query('SELECT 1');
        const idlePid = (await idle.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
        await waitFor('the session to sit idle in its transaction for over 1s', async () => {
          const [row] = await server.sql<{ over: boolean }>(
            `select now() - state_change > interval '1.2s' as over from pg_stat_activity where pid = $1`,
            [idlePid],
          );
          return row?.over === true;
        });
        const { code, doc } = await health([
          '--db',
          server.url(),
          '--idle-in-transaction-threshold',
          '1s',
          '--duration',
          '200ms',
        ]);
        const finding = doc.findings.find((f) => f.id === 'idle-in-transaction');
        assert.equal(finding?.severity, 'warning');
        assert.match(
          finding?.title ?? '',
          /^1 session has been idle inside a transaction for longer than 1s, the oldest for [\d.]+s: idle_in_transaction_session_timeout is off/,
        );
        // The session by name, the statement that ends it, and the per-role timeout that would have.
        const pid = idlePid;
        assert.equal(finding?.sessions?.[0]?.pid, pid);
        assert.deepEqual(finding?.fix?.sql, [
          `SELECT pg_terminate_backend(${pid});`,
          `ALTER ROLE "postgres" SET idle_in_transaction_session_timeout = '1s';`,
        ]);
        assert.equal(code, 0, 'a warning does not fail the default gate');
      } finally {
        await idle.query('ROLLBACK');
        await idle.end();
      }
    });

    it('refuses a --query that writes: the sessions are read-only (exit 2)', async () => {
      const r = await runCli([
        'health',
        '--db',
        server.url('app'),
        '--query',
        'INSERT INTO public.t VALUES (1)',
        '--duration',
        '200ms',
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--query was refused: cannot execute INSERT in a read-only transaction/);
      const rows = await server.sql<{ n: string }>('select count(*) n from public.t');
      assert.equal(rows[0]?.n, '0');
      assert.equal(await pooltuneSessions(server), 0);
    });

    it('times a read-only --query of the user', async () => {
      const { code, doc } = await health([
        '--db',
        server.url('app'),
        '--query',
        'select count(*) from public.t',
        '--samples',
        '50',
        '--duration',
        '200ms',
      ]);
      assert.equal(code, 0);
      assert.equal(doc.metrics.queryLatency.latency.count, 50);
    });

    it('bounds the warm-up of a slow --query by --warmup instead of running 100 of them first', async () => {
      // 200 ms a round trip: the 100 warm-up round trips of SELECT 1 would take 20 s; 500ms holds at most 3.
      const { code, doc } = await health([
        '--db',
        server.url('app'),
        '--query',
        'select pg_sleep(0.2)',
        '--samples',
        '2',
        '--warmup',
        '500ms',
        '--duration',
        '200ms',
      ]);
      assert.equal(code === 0 || code === 1, true, `exit ${code}`);
      assert.equal(doc.metrics.queryLatency.latency.count, 2);
      assert.ok(
        doc.metrics.queryLatency.warmupSamples <= 3,
        `${doc.metrics.queryLatency.warmupSamples} warm-up round trips`,
      );
      assert.ok(doc.metrics.queryLatency.warmupSamples >= 1);
    });

    it('--schema eventcore passes on an EventCore 2.x database and lists what an empty one lacks', async () => {
      const migrations = await readFile(`${REPO_ROOT}test/fixtures/eventcore-2.0-migrations.sql`, 'utf8');
      await server.sql('CREATE DATABASE eventstore');
      await server.sql('CREATE DATABASE blank');
      await server.runScript('eventstore', migrations);
      const migrated = await health([
        '--db',
        server.url('postgres', 'eventstore'),
        '--schema',
        'eventcore',
        '--duration',
        '200ms',
      ]);
      assert.equal(migrated.code, 0);
      assert.match(
        migrated.doc.findings.find((f) => f.id === 'schema-migrations')?.title ?? '',
        /1–7 applied: matches eventcore-postgres 2\.0\.x/,
      );
      const empty = await health([
        '--db',
        server.url('postgres', 'blank'),
        '--schema',
        'eventcore',
        '--duration',
        '200ms',
      ]);
      assert.equal(empty.code, 1);
      const missing = empty.doc.findings.find((f) => f.id === 'schema-objects');
      assert.equal(missing?.severity, 'critical');
      assert.match(missing?.title ?? '', /3 tables and 3 functions missing/);
    });

    it('a schema spec file that is not valid is a usage error before connecting (exit 2)', async () => {
      const r = await runCli([
        'health',
        '--db',
        'postgres://nobody@127.0.0.1:1/x',
        '--schema',
        'test/fixtures/bad-preset.json',
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /bad-preset\.json/);
    });

    it('Ctrl-C ends it with exit 130 and leaves no pooltune session on the server', async () => {
      const child = spawn(process.execPath, [CLI, 'health', '--db', server.url(), '--duration', '20s'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '' },
      });
      const output = collectOutput(child);
      // Three: the fresh-connection timing has at most two open at once, the probe pool's phase more.
      await untilPooltuneSessions(server, 3, output);
      assert.ok((await pooltuneSessions(server)) >= 2, 'probing when interrupted');
      const interrupted = Date.now();
      child.kill('SIGINT');
      const r = await output;
      assert.equal(r.code, 130);
      assert.ok(Date.now() - interrupted < 3000, 'promptly');
      assert.match(r.stderr, /stopped by SIGINT; connections closed, reporting what was measured/);
      assert.match(r.stdout, /^Health of .*\(stopped by Ctrl-C\)/, 'what was measured is printed');
      for (let i = 0; i < 20 && (await pooltuneSessions(server)) > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await pooltuneSessions(server), 0);
    });
  });

  describe(`health when PostgreSQL ${version} goes away mid-probe`, () => {
    it('ends promptly with exit 3 or a critical finding, not a hang', async () => {
      const doomed = await startServer({ version });
      const child = spawn(
        process.execPath,
        [CLI, 'health', '--db', doomed.url(), '--duration', '10s', '--connect-timeout', '2s'],
        {
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH ?? '' },
        },
      );
      const output = collectOutput(child);
      await untilPooltuneSessions(doomed, 3, output);
      // The probe window opens about now.
      const started = Date.now();
      await doomed.stop();
      const r = await output;
      const elapsed = Date.now() - started;
      assert.ok(r.code === 3 || r.code === 1, `exit 3 or 1, got ${r.code}: ${r.stderr}`);
      assert.ok(elapsed < 7000, `ended after ${elapsed} ms, well before the 10s probe window`);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  });
}
