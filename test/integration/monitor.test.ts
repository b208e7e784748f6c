import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type pg from 'pg';
import { collectOutput, runCli } from '../helpers/cli.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { sleep, waitFor } from '../helpers/wait.js';
import {
  PG_VERSIONS,
  freePort,
  startServer,
  type TestServer,
  pooltuneSessionsLeft,
} from '../helpers/postgres.js';

const Ajv = Ajv2020.default;

interface Sample {
  type: 'sample';
  seq: number;
  clients: number;
  utilisationPercent: number;
  byState: { active: number; idle: number; idleInTransaction: number; other: number; unknown: number };
  oldestIdleInTransactionSeconds: number | null;
  waitingOnLocks: number;
  churn: { newSessions: number } | null;
}

interface Summary {
  type: 'summary';
  command: string;
  exitCode: number;
  run: { stoppedBy: string };
  stats: { samples: number; churn: { newSessions: number } | null };
  findings: { id: string; severity: string; title: string }[];
  skipped: { id: string; enableWith?: string }[];
}

async function compile(file: string): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(`${REPO_ROOT}schemas/${file}`, 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

/** The NDJSON lines, each checked against its schema: samples first, then exactly one summary, last. */
function parseNdjson(stdout: string, validators: { sample: ValidateFunction; report: ValidateFunction }) {
  const lines = stdout.trimEnd().split('\n');
  const docs = lines.map((line) => JSON.parse(line) as { type: string });
  const samples = docs.slice(0, -1) as Sample[];
  const summary = docs[docs.length - 1] as Summary;
  for (const s of samples) {
    assert.equal(s.type, 'sample');
    assert.ok(validators.sample(s), JSON.stringify(validators.sample.errors));
  }
  assert.equal(summary.type, 'summary');
  assert.ok(validators.report(summary), JSON.stringify(validators.report.errors));
  return { samples, summary };
}

/** A sample line, in NDJSON or in text. */
const SAMPLE_LINE = /"type":"sample"|\n\d\d:\d\d:\d\d(\.\d)? · /g;

/** Starts monitor; `samplesOut(n)` resolves once its first `n` sample lines are out. */
function startMonitor(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'monitor', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
  });
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  const output = collectOutput(child);
  // Fails rather than hangs when the sample lines never come.
  const samplesOut = (n: number) =>
    waitFor(`${n} sample lines`, () => (seen.match(SAMPLE_LINE) ?? []).length >= n, {
      unless: output,
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}; stdout so far: ${seen}`);
    });
  return { child, output, samplesOut };
}

let validators: { sample: ValidateFunction; report: ValidateFunction };
before(async () => {
  validators = {
    sample: await compile('monitor-sample.schema.json'),
    report: await compile('report.schema.json'),
  };
});

for (const version of PG_VERSIONS) {
  describe(`monitor on PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        version,
        settings: { max_connections: 20, superuser_reserved_connections: 3 },
      });
      await server.sql('CREATE ROLE app LOGIN');
      await server.sql('CREATE TABLE public.t (x int)');
    });
    after(() => server?.stop());

    it('--interval 1s --duration 5s --format json: 5 samples, and the churn is what the test did', async () => {
      const { output, samplesOut } = startMonitor([
        '--db',
        server.url(),
        '--interval',
        '1s',
        '--duration',
        '5s',
        '--format',
        'json',
      ]);
      await samplesOut(1);
      // 20 sessions opened and closed, all between the first and the last sample: in four bursts of five,
      // so that they spread over several samples and still end well inside the window on a busy machine.
      const cycles = 20;
      for (let burst = 0; burst < 4; burst++) {
        const clients = await Promise.all(Array.from({ length: cycles / 4 }, () => server.client()));
        await Promise.all(clients.map((client) => client.end()));
        await sleep(250);
      }
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      const { samples, summary } = parseNdjson(r.stdout, validators);
      assert.ok(samples.length >= 4 && samples.length <= 6, `5 ± 1 samples, got ${samples.length}`);
      assert.deepEqual(
        samples.map((s) => s.seq),
        samples.map((_, i) => i + 1),
      );
      // Exact: the counters count every backend session, and the monitor's own one opened before its
      // baseline reading; nothing else connects during the window.
      const churn = samples.reduce((n, s) => n + (s.churn?.newSessions ?? 0), 0);
      assert.equal(churn, cycles);
      assert.equal(summary.stats.churn?.newSessions, cycles);
      assert.equal(summary.command, 'monitor');
      assert.equal(summary.run.stoppedBy, 'duration');
      assert.equal(await pooltuneSessionsLeft(server), 0);
    });

    it('15 of 17 usable slots held: 88 % critical, exit 1; idle in transaction and a lock wait seen', async () => {
      const held: pg.Client[] = [];
      try {
        for (let i = 0; i < 15; i++) held.push(await server.client());
        const [locker, waiter] = held;
        assert.ok(locker && waiter);
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE public.t');
        const waiting = waiter.query('SELECT * FROM public.t').catch(() => undefined);
        await waitFor('the lock wait', async () => {
          const rows = await server.sql<{ n: number }>(
            "select count(*)::int n from pg_stat_activity where wait_event_type = 'Lock'",
          );
          return rows[0]?.n === 1;
        });
        const r = await runCli([
          'monitor',
          '--db',
          server.url(),
          '--interval',
          '200ms',
          '--duration',
          '1s',
          '--idle-in-transaction-threshold',
          '100ms',
          '--json',
        ]);
        assert.equal(r.code, 1, r.stderr);
        const { samples, summary } = parseNdjson(r.stdout, validators);
        for (const s of samples) {
          assert.equal(s.clients, 15);
          assert.equal(s.utilisationPercent, 88);
          assert.deepEqual(s.byState, { active: 1, idle: 13, idleInTransaction: 1, other: 0, unknown: 0 });
          assert.equal(s.waitingOnLocks, 1);
        }
        const severity = (id: string) => summary.findings.find((f) => f.id === id)?.severity;
        assert.equal(severity('server-utilisation'), 'critical');
        assert.equal(severity('idle-in-transaction'), 'warning');
        // A wait of a second or so is ordinary contention: named (the waiter and its blocker), not a warning.
        assert.equal(severity('lock-waits'), 'info');
        // The waiter is busy waiting: its pid is the one the server gave it at connect time.
        const [waiterPid, lockerPid] = [waiter, locker].map(
          (c) => (c as unknown as { processID: number }).processID,
        );
        const locks = summary.findings.find((f) => f.id === 'lock-waits') as
          { sessions?: { pid: number; blockedBy: number[] }[] } | undefined;
        assert.deepEqual(
          locks?.sessions?.map((s) => [s.pid, s.blockedBy]),
          [[waiterPid, [lockerPid]]],
        );
        assert.equal(summary.exitCode, 1);
        await locker.query('ROLLBACK');
        await waiting;
      } finally {
        await Promise.all(held.map((c) => c.end().catch(() => undefined)));
      }
    });

    it('as a role without pg_read_all_stats: other sessions are unknown, and a skipped note says how to fix it', async () => {
      const other = await server.client();
      try {
        const r = await runCli([
          'monitor',
          '--db',
          server.url('app'),
          '--interval',
          '200ms',
          '--duration',
          '400ms',
          '--json',
        ]);
        assert.equal(r.code, 0, r.stderr);
        const { samples, summary } = parseNdjson(r.stdout, validators);
        assert.ok(samples.length > 0);
        for (const s of samples) assert.ok(s.byState.unknown >= 1, JSON.stringify(s.byState));
        assert.deepEqual(
          summary.skipped.find((s) => s.id === 'session-states')?.enableWith,
          'GRANT pg_monitor TO "app";',
        );
      } finally {
        await other.end();
      }
    });

    it('SIGINT after 2s: a summary within a second, exit 130, no session left', async () => {
      const { child, output, samplesOut } = startMonitor([
        '--db',
        server.url(),
        '--interval',
        '500ms',
        '--json',
      ]);
      await samplesOut(2);
      const sent = Date.now();
      child.kill('SIGINT');
      const r = await output;
      const afterSignalMs = Date.now() - sent;
      assert.equal(r.code, 130, r.stderr);
      assert.ok(afterSignalMs < 1000, `within a second: ${afterSignalMs} ms`);
      const { samples, summary } = parseNdjson(r.stdout, validators);
      assert.ok(samples.length >= 2);
      assert.equal(summary.run.stoppedBy, 'SIGINT');
      assert.equal(summary.exitCode, 130);
      assert.match(r.stderr, /stopped by SIGINT after \d+ samples; connection closed/);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    });

    it('SIGTERM, text on a pipe: one line per sample, then the summary, exit 143', async () => {
      const { child, output, samplesOut } = startMonitor(['--db', server.url(), '--interval', '300ms']);
      await samplesOut(2);
      child.kill('SIGTERM');
      const r = await output;
      assert.equal(r.code, 143, r.stderr);
      assert.match(r.stdout, /^Monitoring postgres@127\.0\.0\.1:\d+\/postgres · PostgreSQL/);
      assert.match(r.stdout, /\n\d\d:\d\d:\d\d\.\d · \d+\/17 slots \(\d+ %\) · active/);
      assert.match(r.stdout, /Monitor summary of .* \(stopped by SIGTERM\)/);
      assert.match(r.stdout, /\(fails at critical; exit 143\)\n$/);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    });

    it('the session killed mid-run: one line, exit 3', async () => {
      const { output, samplesOut } = startMonitor(['--db', server.url(), '--interval', '200ms']);
      await samplesOut(1);
      await server.sql(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pooltune'",
      );
      const r = await output;
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^pooltune: error: lost the connection/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  });
}

describe('monitor: bad input', () => {
  for (const [args, message] of [
    [['--interval', '0'], /'--interval <duration>' argument '0' is invalid/],
    [['--interval', '10ms'], /Expected at least 100ms/],
    [['--duration', 'abc'], /'--duration <duration>' argument 'abc' is invalid/],
    [['--interval', '2s', '--duration', '1s'], /'--duration' \(1s\) is shorter than --interval \(2s\)/],
    [
      ['--listen', '127.0.0.1:0', '--format', 'json'],
      /'--format' cannot be used with --listen, which writes no report/,
    ],
    [
      ['--listen', '127.0.0.1:0', '-o', 'x.json'],
      /'--output' cannot be used with --listen, which writes no report/,
    ],
  ] as const) {
    it(`${args.join(' ')}: exit 2, one line`, async () => {
      const r = await runCli(['monitor', '--db', 'postgres://app@127.0.0.1:1/x', ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    });
  }

  it('an unreachable server: exit 3, an error line and a hint', async () => {
    const r = await runCli([
      'monitor',
      '--db',
      `postgres://app@127.0.0.1:${await freePort()}/x`,
      '--interval',
      '1s',
    ]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^pooltune: error: connection refused/);
    assert.ok(r.stderr.trimEnd().split('\n').length <= 2, r.stderr);
  });
});
