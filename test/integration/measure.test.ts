/**
 * `recommend --measure` against a real server under a load the test applies and times itself. The tolerance
 * is 20 %: backends report their counters about once a second, so each end of a 6 s window can be off by up
 * to a second of one backend's work (4 backends × 1 s ÷ 6 s ≈ 0.67 busy connections at the very worst,
 * about 0.2 typically); 20 % of 4 is 0.8.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { applyLoad } from '../helpers/load.js';
import { PG_VERSIONS, startServer, type TestServer, untilPooltuneSessions } from '../helpers/postgres.js';
import { sleep, waitFor } from '../helpers/wait.js';

interface MeasureJson {
  exitCode: number;
  traffic: {
    rateSource: string;
    holdSource: string;
    measured: {
      windowMs: number;
      ratePerSecond: number;
      busyConnections: number;
      holdMs: number;
      stoppedEarly: boolean;
      caveats: string[];
    };
    sizing: { busyConnections: number; chosenPoolSize: number; neededPoolSize: number };
  };
}

const TOLERANCE = 0.2;

function within(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= TOLERANCE * expected,
    `${what}: measured ${actual}, applied ${expected} (±${TOLERANCE * 100} %)`,
  );
}

for (const version of PG_VERSIONS) {
  describe(`recommend --measure on PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      // Autovacuum off: its workers visit every database now and then, and would put transactions in the idle one.
      server = await startServer({ version, settings: { autovacuum: 'off' } });
      // No grants at all: pg_stat_database is readable by every role.
      await server.sql('CREATE ROLE watcher LOGIN');
    });
    after(async () => {
      await server?.stop();
    });

    it('finds the busy connections, rate and hold time of 4 clients each looping a 50 ms query', async () => {
      const committed = async () =>
        Number(
          (
            await server.sql<{ n: string }>(
              'select xact_commit as n from pg_stat_database where datname = current_database()',
            )
          )[0]?.n ?? 0,
        );
      const atStart = await committed();
      const load = await applyLoad(server, { clients: 4, holdMs: 50 });
      // Let every client get going before the window opens: the server's counters must already show
      // their work (it flushes them about once a second), or the window's first second reads empty.
      await waitFor('the load to show in pg_stat_database', async () => (await committed()) >= atStart + 40);
      const r = await runCli(['recommend', '--db', server.url('watcher'), '--measure', '6s', '--json']);
      const applied = await load.stop();
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as MeasureJson;
      const { measured, sizing } = doc.traffic;
      assert.equal(doc.traffic.rateSource, 'measured');
      assert.equal(doc.traffic.holdSource, 'measured');
      assert.ok(measured.windowMs >= 6000 && measured.windowMs < 8000, `window ${measured.windowMs}`);
      within(measured.busyConnections, applied.busyConnections, 'busy connections');
      within(measured.ratePerSecond, applied.ratePerSecond, 'transactions per second');
      within(measured.holdMs, 50, 'hold time (ms)');
      assert.ok(
        Math.abs(sizing.busyConnections - measured.busyConnections) < 0.01,
        `sized from what was measured: ${sizing.busyConnections} vs ${measured.busyConnections}`,
      );
      assert.ok(sizing.chosenPoolSize > measured.busyConnections);
    });

    it('under a pooltune bench load (100/s, exponential 40 ms holds): the busy connections bench applied', async () => {
      const { output: benchDone } = startCli([
        'bench',
        '--db',
        server.url(),
        '--pool-max',
        '8',
        '--pool-min',
        '8',
        '--rate',
        '100',
        '--hold-ms',
        '40',
        '--hold-dist',
        'exp',
        '--duration',
        '10s',
        '--warmup',
        '0',
        '--fail-on',
        'never',
        '--json',
      ]);
      // Its session and its 8 prewarmed connections: the load is on; then a second for it to get going
      // (and its first counters flushed) before the window opens, well inside the 10 s the load lasts.
      await untilPooltuneSessions(server, 9, benchDone);
      await sleep(1000);
      const r = await runCli(['recommend', '--db', server.url('watcher'), '--measure', '6s', '--json']);
      const benchRun = await benchDone;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(benchRun.code, 0, benchRun.stderr);
      const applied = (
        JSON.parse(benchRun.stdout) as {
          runs: { measurement: { busyConnections: number; throughputPerSecond: number } }[];
        }
      ).runs[0]?.measurement;
      assert.ok(
        applied && applied.busyConnections > 3,
        `bench kept about 4 busy: ${applied?.busyConnections}`,
      );
      const { measured } = (JSON.parse(r.stdout) as MeasureJson).traffic;
      within(measured.busyConnections, applied.busyConnections, 'busy connections');
      within(measured.ratePerSecond, applied.throughputPerSecond, 'transactions per second');
    });

    it('an idle database has no traffic to size from: exit 2 with one line', async () => {
      await server.sql('CREATE DATABASE quiet');
      const r = await runCli(['recommend', '--db', server.url('watcher', 'quiet'), '--measure', '5s']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^pooltune: error: no transactions were committed on quiet in 5s/);
      assert.equal(r.stdout, '');
    });
  });
}

describe('recommend --measure and Ctrl-C', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ version: 18 });
  });
  after(async () => {
    await server?.stop();
  });

  it('stops early, sizes from the window it has, says so, and exits 130', async () => {
    const load = await applyLoad(server, { clients: 2, holdMs: 20 });
    const { child, output } = startCli(['recommend', '--db', server.url(), '--measure', '60s']);
    // Its session is on the server; then past the 5 s a measurement needs at least.
    await untilPooltuneSessions(server, 1, output);
    await sleep(6500);
    child.kill('SIGINT');
    const r = await output;
    await load.stop();
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /window\s+[\d.]+s \(stopped early; asked for 1min\)/);
    assert.match(r.stdout, /Sizing from traffic \(Erlang C\)/);
    assert.match(r.stdout, /max_connections\s+│ \d+\s+│ traffic model/);
  });
});
