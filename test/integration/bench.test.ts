/** pooltune bench against a real server: the pool it drives, what it measures, and when it refuses. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectOutput, runCli } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';
import {
  startServer,
  type TestServer,
  pooltuneSessionsLeft,
  untilPooltuneSessions,
  watchPooltunePeak,
  type PooltunePeak,
} from '../helpers/postgres.js';
import { sleep } from '../helpers/wait.js';

interface Latency {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
interface BenchJson {
  exitCode: number;
  stoppedBy: string | null;
  load: { arrivals: { kind: string; clients?: number; ratePerSecond?: number } };
  runs: {
    pool: { label: string; maxConnections: number; minConnections: number; acquireTimeoutMs: number };
    peakConnections: number;
    stoppedEarly: boolean;
    findings: { id: string; severity: string }[];
    measurement: {
      completed: number;
      throughputPerSecond: number;
      waitedShare: number;
      timeouts: number;
      timeoutRate: number;
      errors: number;
      errorCodes: Record<string, number>;
      acquire: Latency;
      query: Latency;
      total: Latency;
      pool: { peakTotal: number; peakWaiting: number; samples: unknown[] };
    };
  }[];
  findings: { id: string; severity: string; hints?: string[] }[];
}

async function bench(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(['bench', ...args, '--json'], { env });
  assert.ok(r.stdout.startsWith('{'), `JSON on stdout; exit ${r.code}; stderr: ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as BenchJson, stderr: r.stderr };
}

describe('bench on PostgreSQL 18', () => {
  let server: TestServer;
  let peak: PooltunePeak;
  before(async () => {
    server = await startServer({ version: 18, settings: { max_connections: 30 } });
    await server.sql('CREATE ROLE app LOGIN');
    await server.sql('CREATE TABLE public.t (x int)');
    await server.sql('GRANT ALL ON public.t TO app');
    // The most pooltune sessions the server ever held at once, across every test below.
    peak = watchPooltunePeak(server);
  });
  after(async () => {
    await peak?.stop();
    await server?.stop();
  });

  // The loads below keep well away from the thresholds whose findings set the exit code, so that a busy
  // machine (slower round trips, a late load generator) cannot tip them over: holds long next to a round
  // trip, and acquire timeouts long next to opening a connection (pg.Pool bounds that by the same timeout).
  it('open loop: a pool of 4 at 80/s × 30ms waits more than a pool of 8 under the same load', async () => {
    const { code, doc } = await bench([
      '--db',
      server.url(),
      '--pool-max',
      '4',
      '--rate',
      '80',
      '--hold-ms',
      '30',
      '--hold-dist',
      'exp',
      '--duration',
      '3s',
      '--warmup',
      '500ms',
      '--compare',
      '--pool-max 8',
    ]);
    assert.equal(code, 0);
    const [small, large] = doc.runs;
    assert.ok(small && large);
    assert.deepEqual(
      [small.pool.maxConnections, large.pool.maxConnections, large.pool.label],
      [4, 8, '--pool-max 8'],
    );
    for (const run of doc.runs) {
      assert.ok(run.measurement.completed > 180, `about 240 requests in 3s: ${run.measurement.completed}`);
      assert.equal(run.measurement.errors, 0);
      assert.ok(run.measurement.query.p50Ms >= 1, 'pg_sleep held the connection');
      assert.ok(run.peakConnections <= run.pool.maxConnections + 1);
    }
    assert.ok(
      small.measurement.waitedShare > large.measurement.waitedShare,
      `${small.measurement.waitedShare} > ${large.measurement.waitedShare}`,
    );
    assert.ok(small.measurement.waitedShare > 0.05, 'A = 2.4 on 4 connections: a good share waits');
    assert.ok(small.measurement.acquire.meanMs > large.measurement.acquire.meanMs);
    assert.ok(small.measurement.total.p99Ms >= small.measurement.query.p99Ms);
    assert.deepEqual(
      doc.findings.map((f) => f.id),
      small.findings.map((f) => f.id),
      'the first pool decides',
    );
  });

  it('a pool too small for the load with a short acquire timeout: timeouts, their rate, hints, exit 1', async () => {
    const { code, doc } = await bench([
      '--db',
      server.url(),
      '--pool-max',
      '1',
      '--rate',
      '250',
      '--hold-ms',
      '10',
      '--acquire-timeout',
      '200ms',
      '--duration',
      '2s',
      '--warmup',
      '0',
    ]);
    assert.equal(code, 1);
    const run = doc.runs[0];
    assert.ok(run && run.measurement.timeouts > 10, `timeouts: ${run?.measurement.timeouts}`);
    assert.ok(run.measurement.timeoutRate > 0.001);
    const timeouts = doc.findings.find((f) => f.id === 'acquisition-timeouts');
    assert.equal(timeouts?.severity, 'critical');
    assert.deepEqual(timeouts?.hints, ['slow-acquisition']);
    assert.equal(doc.findings.find((f) => f.id === 'pool-saturated')?.severity, 'critical');
  });

  it('closed loop: more clients than connections wait; SELECT 1 by default', async () => {
    const { code, doc } = await bench([
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--clients',
      '6',
      '--duration',
      '2s',
      '--warmup',
      '200ms',
    ]);
    assert.equal(code, 0);
    const run = doc.runs[0];
    assert.deepEqual(doc.load.arrivals, { kind: 'closed', clients: 6 });
    assert.ok(run && run.measurement.completed > 500, `SELECT 1 is fast: ${run?.measurement.completed}`);
    assert.ok(
      run.measurement.waitedShare > 0.3,
      `6 callers on 2 connections: ${run.measurement.waitedShare}`,
    );
    assert.equal(run.measurement.pool.peakTotal, 2);
    // Every wait is counted as it starts, not only the ones a periodic sample happens to catch.
    const { peakWaiting } = run.measurement.pool;
    assert.ok(
      peakWaiting >= 1 && peakWaiting <= 6,
      `6 callers on 2 connections, peak waiting ${peakWaiting}`,
    );
  });

  it("without pool flags: the oltp recommendation for this server; the plan's service with --service", async () => {
    const { doc } = await bench(['--db', server.url(), '--duration', '300ms', '--warmup', '0']);
    assert.equal(doc.runs[0]?.pool.label, 'oltp recommendation');
    assert.equal(doc.runs[0]?.pool.maxConnections, 21, 'the budget on this server caps the preset');
    const dir = await mkdtemp(join(tmpdir(), 'pooltune-bench-'));
    try {
      await writeFile(
        join(dir, 'pooltune.config.json'),
        JSON.stringify({
          services: [
            {
              name: 'api',
              instances: 2,
              pool: { maxConnections: 3, minConnections: 1, acquireTimeout: '2s' },
            },
          ],
        }),
      );
      const r = await runCli(
        ['bench', '--db', server.url(), '--service', 'api', '--duration', '300ms', '--warmup', '0', '--json'],
        { cwd: dir },
      );
      const planned = (JSON.parse(r.stdout) as BenchJson).runs[0]?.pool;
      assert.deepEqual(
        [planned?.maxConnections, planned?.minConnections, planned?.acquireTimeoutMs],
        [3, 1, 2000],
        r.stderr,
      );
      const missing = await runCli(['bench', '--db', server.url(), '--service', 'nope'], { cwd: dir });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no service "nope" .* \(services: api\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a pool that would take the server's last free slots", async () => {
    const r = await runCli(['bench', '--db', server.url(), '--pool-max', '26', '--duration', '1s']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^pooltune: error: a pool of 26 \(--pool-max 26\) would take the server's last free slots/,
    );
    assert.match(r.stderr, /hint: bench a pool of at most \d+ here/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('a server on another machine needs --yes (or a yes on a terminal), before any connection', async () => {
    const r = await runCli(['bench', '--db', 'postgres://app@db.invalid:5432/app', '--pool-max', '2']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not on this machine; pass --yes to go ahead/);
    const unreachable = await runCli([
      'bench',
      '--db',
      'postgres://app@db.invalid:5432/app',
      '--yes',
      '--connect-timeout',
      '1s',
    ]);
    assert.equal(unreachable.code, 3, 'with --yes it goes on to connect');
  });

  it('a --query that would write is refused by the read-only session: exit 2, nothing written', async () => {
    const r = await runCli([
      'bench',
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--query',
      'insert into public.t values (1)',
      '--duration',
      '1s',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--query was refused: .*read-only/);
    assert.equal((await server.sql<{ n: number }>('select count(*)::int n from public.t'))[0]?.n, 0);
  });

  // Each load with the pooltune sessions that show it running (its own and the pool's), and how long to
  // let it run after that: past the 200ms warm-up, and long enough for the requests the test expects.
  const interrupted = [
    ['open loop, short holds', ['--pool-max', '3', '--rate', '200', '--hold-ms', '5'], 100, 2, 1500],
    [
      'closed loop, 5 s holds in flight',
      ['--pool-max', '2', '--clients', '2', '--hold-ms', '5000'],
      0,
      3,
      300,
    ],
  ] as const;
  for (const [name, load, minimumDone, running, runMs] of interrupted) {
    it(`Ctrl-C (${name}): the report within a second, exit 130, no session left`, async () => {
      const child = spawn(
        process.execPath,
        [CLI, 'bench', '--db', server.url(), ...load, '--duration', '30s', '--warmup', '200ms', '--json'],
        { env: { PATH: process.env.PATH ?? '' } },
      );
      const output = collectOutput(child);
      await untilPooltuneSessions(server, running, output);
      await sleep(runMs);
      const sent = Date.now();
      child.kill('SIGINT');
      const r = await output;
      assert.ok(Date.now() - sent < 1000, `ended ${Date.now() - sent} ms after the signal`);
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /stopped by SIGINT/);
      const doc = JSON.parse(r.stdout) as BenchJson;
      assert.equal(doc.stoppedBy, 'SIGINT');
      assert.equal(doc.runs[0]?.stoppedEarly, true);
      assert.ok(
        (doc.runs[0]?.measurement.completed ?? 0) >= minimumDone,
        'what ran before the signal is reported',
      );
      assert.equal(doc.runs[0]?.measurement.errors, 0, 'queries cancelled by the stop are not failures');
      assert.equal(await pooltuneSessionsLeft(server), 0, 'no pooltune session left behind');
    });
  }

  it('never held more connections than a pool plus its own session', () => {
    assert.ok(peak.seen() >= 2, `the watcher saw the runs: ${peak.seen()}`);
    // The largest pool above is the oltp recommendation: floor((30 − 3 reserved) × 0.8) = 21, plus the session.
    assert.ok(peak.seen() <= 21 + 1, `peak ${peak.seen()}`);
  });
});
