/**
 * The fault matrix: every database-facing command against every way a target can fail. Each run must end
 * with the documented exit code, one line naming the cause (and a hint), no stack trace, no password,
 * within a bounded time, and leave no pooltune session on the server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { collectOutput, runCli, type CliResult } from '../helpers/cli.js';
import { startSilentListener } from '../helpers/hanging-server.js';
import { CLI } from '../helpers/paths.js';
import {
  freePort,
  startServer,
  type TestServer,
  pooltuneSessionsLeft,
  untilPooltuneSessions,
} from '../helpers/postgres.js';

const PASSWORD = 'Fault-matrix-pw-9913';
const NO_STACK = /\n\s+at |node:internal|Error: /;

type Command = 'recommend' | 'check-server' | 'health' | 'preflight';
const COMMANDS: readonly Command[] = ['recommend', 'check-server', 'health', 'preflight'];

let planDir: string;

function argsFor(command: Command, url: string, extra: string[] = []): string[] {
  switch (command) {
    case 'recommend':
      return ['recommend', '-w', 'oltp', '--db', url, ...extra];
    case 'check-server':
      return ['check-server', '--db', url, ...extra];
    case 'health':
      return ['health', '--db', url, '--duration', '300ms', ...extra];
    case 'preflight':
      return ['preflight', '--db', url, '--duration', '300ms', ...extra];
  }
}

const run = (command: Command, url: string, extra: string[] = []) =>
  runCli(argsFor(command, url, extra), { cwd: planDir });

function assertFailure(r: CliResult, code: number, message: RegExp, label: string): void {
  assert.equal(r.code, code, `${label}: exit ${code}, got ${r.code}\n${r.stderr}${r.stdout}`);
  assert.match(r.stderr, /^pooltune: error: /, label);
  assert.match(r.stderr, message, label);
  assert.doesNotMatch(r.stderr, NO_STACK, `${label}: no stack trace`);
  assert.ok(r.stderr.trim().split('\n').length <= 2, `${label}: one line plus a hint\n${r.stderr}`);
  for (const form of [PASSWORD, encodeURIComponent(PASSWORD)]) {
    assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form), `${label}: no password`);
  }
}

describe('fault matrix (PostgreSQL 18)', () => {
  let server: TestServer;
  let full: TestServer;
  const holders: pg.Client[] = [];
  const url = (user = 'app', db = 'postgres', password = PASSWORD) => server.url(user, db, password);

  before(async () => {
    planDir = await mkdtemp(join(tmpdir(), 'pooltune-faults-'));
    await writeFile(
      join(planDir, 'pooltune.config.json'),
      JSON.stringify({ services: [{ name: 'api', instances: 1, pool: { maxConnections: 2 } }] }),
    );
    [server, full] = await Promise.all([
      startServer({ version: 18, auth: 'scram-sha-256' }),
      startServer({
        version: 18,
        auth: 'scram-sha-256',
        settings: { max_connections: 12, superuser_reserved_connections: 3 },
      }),
    ]);
    for (const s of [server, full]) {
      await s.sql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'`);
      await s.sql('GRANT pg_monitor TO app');
    }
    await server.sql(`CREATE ROLE locked NOLOGIN PASSWORD '${PASSWORD}'`);
    await server.sql(`CREATE ROLE limited LOGIN CONNECTION LIMIT 1 PASSWORD '${PASSWORD}'`);
    // The limited role's only connection is taken; the full server's ordinary slots are all taken.
    const pgModule = (await import('pg')).default;
    const hold = async (s: TestServer, user: string) => {
      const c = new pgModule.Client({ host: s.socketDir, port: s.port, user, database: 'postgres' });
      await c.connect();
      holders.push(c);
    };
    await hold(server, 'limited');
    for (let i = 0; i < 9; i++) await hold(full, 'app');
  });
  after(async () => {
    await Promise.all(holders.map((c) => c.end().catch(() => undefined)));
    await Promise.all([server?.stop(), full?.stop()]);
    await rm(planDir, { recursive: true, force: true });
  });

  const faults: {
    name: string;
    target: () => Promise<{ url: string; close?: () => Promise<void> }>;
    code: number;
    message: RegExp;
    extra?: string[];
  }[] = [
    {
      name: 'a refused port',
      target: async () => ({ url: `postgres://app:${PASSWORD}@127.0.0.1:${await freePort()}/postgres` }),
      code: 3,
      message: /connection refused by 127\.0\.0\.1:\d+/,
    },
    {
      name: 'an unknown host',
      target: async () => ({ url: `postgres://app:${PASSWORD}@no-such-host.invalid:5432/postgres` }),
      code: 3,
      message: /unknown host 'no-such-host\.invalid'/,
    },
    {
      name: 'a TCP listener that accepts and never answers',
      target: async () => {
        const silent = await startSilentListener();
        return { url: `postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/postgres`, close: silent.close };
      },
      code: 3,
      message: /no answer from 127\.0\.0\.1:\d+ within 1s \(--connect-timeout\)/,
      extra: ['--connect-timeout', '1s'],
    },
    {
      name: 'a full server (every ordinary slot taken)',
      target: async () => ({ url: full.url('app', 'postgres', PASSWORD) }),
      code: 3,
      message: /no connection slot for pooltune: .*reserved/,
    },
    {
      name: 'too many connections for the role (CONNECTION LIMIT)',
      target: async () => ({ url: url('limited') }),
      code: 3,
      message: /no connection slot for pooltune: too many connections for role "limited"/,
    },
    {
      name: 'a database that does not exist',
      target: async () => ({ url: url('app', 'nope') }),
      code: 3,
      message: /database "nope" does not exist/,
    },
    {
      name: 'a wrong password under SCRAM',
      target: async () => ({ url: url('app', 'postgres', `${PASSWORD}x`) }),
      code: 3,
      message: /password authentication failed for user "app"/,
    },
    {
      name: 'a role that may not log in',
      target: async () => ({ url: url('locked') }),
      code: 3,
      message: /refused the login of "locked".*not permitted to log in/,
    },
  ];

  for (const fault of faults) {
    for (const command of COMMANDS) {
      it(`${command}: ${fault.name}`, async () => {
        const { url: target, close } = await fault.target();
        try {
          const started = Date.now();
          const r = await run(command, target, fault.extra ?? []);
          assertFailure(r, fault.code, fault.message, `${command} / ${fault.name}`);
          assert.ok(Date.now() - started < 8000, `bounded: ${Date.now() - started} ms`);
        } finally {
          await close?.();
        }
        assert.equal(await pooltuneSessionsLeft(server), 0, 'no pooltune session left');
        assert.equal(await pooltuneSessionsLeft(full), 0, 'no pooltune session left on the full server');
      });
    }
  }

  it('health: a --query that runs past the statement timeout is a critical finding, not a hang', async () => {
    const started = Date.now();
    const r = await run('health', url(), [
      '--query',
      'select pg_sleep(3)',
      '--statement-timeout',
      '300ms',
      '--json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; severity: string; title: string }[] };
    assert.equal(doc.findings.find((f) => f.id === 'query-latency')?.severity, 'critical');
    assert.ok(Date.now() - started < 6000);
    assert.equal(await pooltuneSessionsLeft(server), 0);
  });

  it('health: a read-write --query is refused because the sessions are read-only (exit 2)', async () => {
    const r = await run('health', url(), ['--query', 'create table t (x int)']);
    assertFailure(
      r,
      2,
      /--query was refused: cannot execute CREATE TABLE in a read-only transaction/,
      'read-write query',
    );
    const [row] = await server.sql<{ n: number }>("select count(*)::int n from pg_class where relname = 't'");
    assert.equal(row?.n, 0, 'nothing was created');
  });

  for (const command of ['health', 'preflight'] as const) {
    it(`${command}: its session terminated by pg_terminate_backend mid-probe ends promptly (exit 3 or 1)`, async () => {
      const child = spawn(
        process.execPath,
        [CLI, ...argsFor(command, url(), []).map((a) => (a === '300ms' ? '5s' : a))],
        {
          cwd: planDir,
          env: { PATH: process.env.PATH ?? '' },
        },
      );
      const output = collectOutput(child);
      // Its session and two of the probe pool's (the fresh-connection timing has at most two open): mid-probe.
      await untilPooltuneSessions(server, 3, output);
      await server.sql(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pooltune'",
      );
      const started = Date.now();
      const r = await output;
      assert.ok(r.code === 3 || r.code === 1, `exit 3 or 1, got ${r.code}: ${r.stderr}`);
      assert.ok(Date.now() - started < 6000, 'promptly');
      assert.doesNotMatch(r.stderr, NO_STACK);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    });

    it(`${command}: the server stopped mid-probe ends it promptly (exit 3 or 1)`, async () => {
      const doomed = await startServer({ version: 18 });
      const child = spawn(
        process.execPath,
        [
          CLI,
          ...argsFor(command, doomed.url(), ['--connect-timeout', '2s']).map((a) =>
            a === '300ms' ? '10s' : a,
          ),
        ],
        {
          cwd: planDir,
          env: { PATH: process.env.PATH ?? '' },
        },
      );
      const output = collectOutput(child);
      await untilPooltuneSessions(doomed, 3, output);
      await doomed.stop();
      const started = Date.now();
      const r = await output;
      assert.ok(r.code === 3 || r.code === 1, `exit 3 or 1, got ${r.code}: ${r.stderr}`);
      assert.ok(Date.now() - started < 6000, `promptly: ${Date.now() - started} ms`);
      assert.doesNotMatch(r.stderr, NO_STACK);
    });
  }
});
