/**
 * The chain of issue 14 as a user meets it, through the CLI: a PgBouncer 1.18 in transaction mode in front
 * of PostgreSQL 15. Misconfigured (3 pairs × default_pool_size 20 against 47 usable slots, max_client_conn
 * 60 under a fleet of 120, server_idle_timeout 10min above idle_session_timeout 1min, a client queued in
 * PgBouncer), check-server names each problem with its arithmetic and a pgbouncer.ini fix; the same server
 * behind a sound PgBouncer gives none of them. check-server also judges a console given as --db, and
 * health and bench say how long their requests queued in PgBouncer.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { freePort, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  observed?: string;
  fix?: { ini?: string[] };
}

const USERS = { postgres: '', a: '', b: '', c: '' };
// 3 services × 2 instances × 20 = 120 connections to PgBouncer.
const FLEET = ['api', 'web', 'worker'].map((name) => ({ name, instances: 2, pool: { maxConnections: 20 } }));

async function checkServer(args: string[], cwd: string) {
  const r = await runCli(['check-server', ...args, '--json'], { cwd });
  assert.ok(r.stdout.startsWith('{'), `JSON; exit ${r.code}; ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { findings: Finding[]; skipped: { id: string }[] };
  const find = (id: string) => doc.findings.find((f) => f.id === id);
  return { code: r.code, doc, find };
}

describe('the pooled chain through the CLI (PgBouncer 1.18, PostgreSQL 15)', () => {
  let server: TestServer;
  let bad: TestPgBouncer;
  let good: TestPgBouncer;
  let dir: string;
  const clients: pg.Client[] = [];
  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startServer({
      version: 15,
      settings: { max_connections: 50, idle_session_timeout: '1min' },
    });
    for (const role of ['a', 'b', 'c']) await server.sql(`create role ${role} login`);
    bad = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings: { default_pool_size: 20, max_client_conn: 60, server_idle_timeout: 600 },
      // `queued` has one server connection, which a test holds to make a client wait.
      databases: { postgres: {}, queued: { dbname: 'postgres', pool_size: 1 } },
      auth: { type: 'trust', users: USERS },
    });
    good = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings: { default_pool_size: 10, max_client_conn: 200, server_idle_timeout: 30 },
      auth: { type: 'trust', users: USERS },
    });
    // Three (database, user) pairs, as three applications' roles make them.
    for (const role of ['a', 'b', 'c']) await (await connect(bad.url(role))).query('select 1');
    dir = await mkdtemp(join(tmpdir(), 'pooltune-chain-'));
    await writeFile(join(dir, 'pooltune.config.json'), JSON.stringify({ services: FLEET }));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await good?.stop();
    await bad?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names every problem of the misconfigured chain with its arithmetic and the ini line that fixes it', async () => {
    // As the application's role a, with the console read as PgBouncer's stats user.
    const { code, find } = await checkServer(['--db', bad.url('a'), '--pooler', bad.adminUrl()], dir);
    assert.equal(code, 1);
    const servers = find('pooler-server-connections');
    assert.equal(servers?.severity, 'critical');
    assert.match(servers?.title ?? '', /may open 60 server connections, but the server has 47/);
    assert.match(servers?.observed ?? '', /postgres\/a 20 \+ 0, postgres\/b 20 \+ 0, postgres\/c 20 \+ 0/);
    assert.ok(servers?.fix?.ini?.some((line) => /^default_pool_size = \d+$/.test(line)));
    const clientLimit = find('pooler-client-limit');
    assert.equal(clientLimit?.severity, 'critical');
    assert.match(clientLimit?.title ?? '', /120 connections to PgBouncer, but it admits 60/);
    assert.match(find('pooler-server-idle-timeout')?.title ?? '', /10min.*idle_session_timeout.*1min/);
    assert.deepEqual(find('pooler-server-idle-timeout')?.fix?.ini?.[0], 'server_idle_timeout = 30');
    // Not the server's fault, and no advice to add the pooler that is there.
    assert.equal(find('plan-fleet'), undefined);
    const text = await runCli(['check-server', '--db', bad.url('a'), '--pooler', bad.adminUrl()], {
      cwd: dir,
    });
    assert.doesNotMatch(text.stdout, /[Pp]ut a pooler|Pool on the database side with PgBouncer/);
  });

  it('the same server behind a sound PgBouncer gives none of those', async () => {
    const { find, doc } = await checkServer(['--db', good.url(), '--pooler', good.adminUrl()], dir);
    const chain = doc.findings.filter((f) => f.id.startsWith('pooler-'));
    assert.ok(chain.length >= 4, `the chain was judged: ${chain.map((f) => f.id).join(', ')}`);
    assert.deepEqual(
      chain.filter((f) => f.severity === 'warning' || f.severity === 'critical').map((f) => f.title),
      [],
    );
    assert.equal(find('pooler-server-connections')?.severity, 'ok');
  });

  it('sees a client queued in PgBouncer: the pool, not the server, is the bottleneck', async () => {
    const holder = await connect(bad.url('postgres', 'queued'));
    await holder.query('begin');
    await holder.query('select 1');
    const waiter = await connect(bad.url('postgres', 'queued'));
    const queued = waiter.query('select 1');
    await waitFor('a client waiting at least 20 ms in PgBouncer', async () => {
      const pools = await bad.sql<{
        database: string;
        cl_waiting: number;
        maxwait_us: number;
        maxwait: number;
      }>('SHOW POOLS');
      const pool = pools.find((p) => p.database === 'queued');
      return (pool?.cl_waiting ?? 0) > 0 && (pool?.maxwait ?? 0) * 1e6 + (pool?.maxwait_us ?? 0) > 20_000;
    });
    try {
      const { find } = await checkServer(['--db', bad.url(), '--pooler', bad.adminUrl()], dir);
      const waiting = find('pooler-clients-waiting');
      assert.equal(waiting?.severity, 'warning', waiting?.title);
      assert.match(
        waiting?.title ?? '',
        /1 client waits in PgBouncer for a server connection, the oldest for/,
      );
      assert.match(waiting?.observed ?? '', /queued\/postgres: 1 waiting/);
    } finally {
      await holder.query('commit');
      await queued;
    }
  });

  it('recommend through the pooler sizes for it, and --emit pgbouncer points at the server, not at itself', async () => {
    const r = await runCli(['recommend', '--db', bad.url(), '-c', '10', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.inputs.behindPooler, { value: 'transaction', source: 'pooler' });
    const ini = await runCli(['recommend', '--db', bad.url(), '--emit', 'pgbouncer', '--raw']);
    assert.equal(ini.code, 0, ini.stderr);
    assert.match(
      ini.stdout,
      new RegExp(`^postgres = host=127\\.0\\.0\\.1 port=${server.port} dbname=postgres$`, 'm'),
    );
  });

  it("never prints the console's password, even when the console cannot be reached", async () => {
    const secret = 'pooler s3cr3t/%';
    const url = `postgres://stats:${encodeURIComponent(secret)}@127.0.0.1:${await freePort()}/pgbouncer`;
    for (const format of ['text', 'json']) {
      const r = await runCli([
        'check-server',
        '--db',
        good.url(),
        '--pooler',
        url,
        '--verbose',
        '--format',
        format,
      ]);
      assert.equal(r.code, 3, r.stderr);
      for (const text of [r.stdout, r.stderr]) {
        assert.ok(!text.includes('s3cr3t') && !text.includes(encodeURIComponent(secret)), text);
      }
      assert.match(r.stderr, /stats@127\.0\.0\.1|127\.0\.0\.1:\d+/);
    }
  });

  it('judges a console given as --db alone', async () => {
    const { code, doc, find } = await checkServer(['--db', bad.adminUrl()], dir);
    assert.equal(code, 1);
    assert.equal(find('pooler-client-limit')?.severity, 'critical');
    assert.ok(
      doc.skipped.some((s) => s.id === 'pooler-server-connections'),
      'the server was not read',
    );
    const text = await runCli(['check-server', '--db', bad.adminUrl()], { cwd: dir });
    assert.match(text.stdout, /^Pooler check of postgres@127\.0\.0\.1:\d+\/pgbouncer/);
    const health = await runCli(['health', '--db', bad.adminUrl()]);
    assert.equal(health.code, 3);
    assert.match(health.stderr, /is a pooler's admin console, not a database/);
  });

  it('preflight reads the console the plan names (pooler.urlEnv), and says when that variable is unset', async () => {
    const planDir = await mkdtemp(join(tmpdir(), 'pooltune-chain-plan-'));
    try {
      await writeFile(
        join(planDir, 'pooltune.config.json'),
        JSON.stringify({ pooler: { urlEnv: 'PGBOUNCER_ADMIN_URL', instances: 1 }, services: FLEET }),
      );
      const args = ['preflight', '--db', good.url(), '--duration', '300ms', '--json'];
      const r = await runCli(args, { cwd: planDir, env: { PGBOUNCER_ADMIN_URL: good.adminUrl() } });
      assert.ok(r.stdout.startsWith('{'), r.stderr);
      const doc = JSON.parse(r.stdout) as { pooler: { version: string }; findings: Finding[] };
      assert.match(doc.pooler.version, /^\d+\.\d+/);
      assert.ok(
        doc.findings.some((f) => f.id === 'pooler-client-limit'),
        'the fleet judged against the pooler',
      );
      assert.equal(
        doc.findings.find((f) => f.id === 'plan-fleet'),
        undefined,
        'not against the server',
      );
      const unset = await runCli(args, { cwd: planDir });
      assert.equal(unset.code, 2);
      assert.match(unset.stderr, /pooler\.urlEnv names PGBOUNCER_ADMIN_URL, which is not set/);
    } finally {
      await rm(planDir, { recursive: true, force: true });
    }
  });

  it('health and bench say how long their requests queued in PgBouncer', async () => {
    const health = await runCli(['health', '--db', good.url(), '--duration', '300ms']);
    assert.ok(health.code === 0 || health.code === 1, health.stderr);
    assert.match(
      health.stdout,
      /pooler +\w+ +PgBouncer [\d.]+: [\d.]+ms queued per transaction over \d+ transactions/,
    );
    assert.match(health.stdout, /including any wait in the pooler's queue/);
    const bench = await runCli([
      'bench',
      '--db',
      good.url(),
      '--duration',
      '300ms',
      '--warmup',
      '100ms',
      '--json',
    ]);
    assert.ok(bench.stdout.startsWith('{'), bench.stderr);
    const run = JSON.parse(bench.stdout).runs[0];
    assert.ok(run.poolerWindow.transactions > 0, 'the run went through PgBouncer');
    assert.ok(run.findings.some((f: Finding) => f.id === 'pooler-clients-waiting'));
  });
});
