/** pooltune bench --instances N against a real server: a fleet of pools in worker threads, bounded, closed after. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import {
  startServer,
  type TestServer,
  pooltuneSessionsLeft,
  untilPooltuneSessions,
  watchPooltunePeak,
  type PooltunePeak,
} from '../helpers/postgres.js';

interface Measurement {
  completed: number;
  throughputPerSecond: number;
  errors: number;
  timeouts: number;
}
interface FleetJson {
  exitCode: number;
  stoppedBy: string | null;
  runs: {
    instances?: number;
    peakConnections: number;
    stoppedEarly: boolean;
    measurement: Measurement;
    model: { waitProbability: number } | null;
    fleet?: {
      instance: number;
      load: { arrivals: { kind: string; clients?: number; ratePerSecond?: number } };
      measurement: Measurement;
      model: { waitProbability: number } | null;
      peakConnections: number;
    }[];
  }[];
}

describe('bench --instances on PostgreSQL 18', () => {
  let server: TestServer;
  let peak: PooltunePeak;
  before(async () => {
    server = await startServer({ version: 18, settings: { max_connections: 30 } });
    // The most pooltune sessions the server held at once, across every test below.
    peak = watchPooltunePeak(server);
  });
  after(async () => {
    await peak?.stop();
    await server?.stop();
  });

  it('closed loop: 2 instances with a pool of 3 each share 6 clients; a row each and the fleet’s', async () => {
    const args = ['bench', '--db', server.url(), '--pool-max', '3', '--instances', '2', '--clients', '6'];
    const r = await runCli([...args, '--duration', '2s', '--warmup', '200ms', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetJson;
    const run = doc.runs[0];
    assert.ok(run?.fleet, 'a fleet');
    assert.equal(run.instances, 2);
    assert.deepEqual(
      run.fleet.map((i) => [i.instance, i.load.arrivals]),
      [
        [1, { kind: 'closed', clients: 3 }],
        [2, { kind: 'closed', clients: 3 }],
      ],
    );
    for (const i of run.fleet) {
      assert.ok(i.measurement.completed > 100, `instance ${i.instance}: ${i.measurement.completed}`);
      assert.equal(i.measurement.errors, 0);
      assert.ok(i.peakConnections <= 3);
    }
    assert.equal(
      run.measurement.completed,
      run.fleet.reduce((n, i) => n + i.measurement.completed, 0),
      'the fleet is every instance’s requests',
    );
    assert.ok(run.peakConnections <= 2 * 3 + 1, `peak ${run.peakConnections}`);
    assert.equal(await pooltuneSessionsLeft(server), 0, 'every instance closed its pool');

    const text = await runCli([...args, '--duration', '500ms', '--warmup', '0']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Instances: --pool-max 3 --instances 2/);
    assert.match(text.stdout, /instance 1, 3 clients/);
    assert.match(text.stdout, /instance 2, 3 clients/);
    assert.match(text.stdout, /fleet, 2 pools/);
  });

  it('open loop: the rate is split, and Erlang C predicts for each instance’s pool at its share', async () => {
    const r = await runCli([
      'bench',
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--instances',
      '2',
      '--rate',
      '60',
      '--hold-ms',
      '20',
      '--duration',
      '2s',
      '--warmup',
      '200ms',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const run = (JSON.parse(r.stdout) as FleetJson).runs[0];
    assert.ok(run?.fleet && run.model);
    for (const i of run.fleet) {
      assert.deepEqual(i.load.arrivals, { kind: 'open', ratePerSecond: 30 });
      assert.ok(i.model, 'a prediction per instance');
      assert.ok(i.model.waitProbability > 0 && i.model.waitProbability < 1);
    }
  });

  it('instances × pool size must fit the free slots: one line, exit 2, nothing opened', async () => {
    const r = await runCli(['bench', '--db', server.url(), '--pool-max', '10', '--instances', '3']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^pooltune: error: 3 instances × a pool of 10 \(--pool-max 10 --instances 3\) would take the server's last free slots/,
    );
    assert.match(r.stderr, /hint: bench pools of at most \d+ each here/);
    const few = await runCli([
      'bench',
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--instances',
      '3',
      '--clients',
      '2',
    ]);
    assert.equal(few.code, 2);
    assert.match(few.stderr, /2 clients cannot be shared by 3 instances/);
  });

  it('Ctrl-C stops every instance: the report, exit 130, no session left', async () => {
    const { child, output } = startCli([
      'bench',
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--instances',
      '2',
      '--clients',
      '4',
      '--hold-ms',
      '5000',
      '--duration',
      '30s',
      '--warmup',
      '0',
      '--json',
    ]);
    // The main session and both instances' pools, with their 5 s holds in flight.
    await untilPooltuneSessions(server, 5, output);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await output;
    assert.ok(Date.now() - sent < 2000, `ended ${Date.now() - sent} ms after the signal`);
    assert.equal(r.code, 130, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetJson;
    assert.equal(doc.stoppedBy, 'SIGINT');
    assert.equal(doc.runs[0]?.stoppedEarly, true);
    assert.equal(doc.runs[0]?.measurement.errors, 0, 'queries cancelled by the stop are not failures');
    assert.equal(await pooltuneSessionsLeft(server), 0, 'no pooltune session left behind');
  });

  it('never held more connections than the instances’ pools plus its own session', () => {
    assert.ok(peak.seen() >= 3, `the watcher saw the runs: ${peak.seen()}`);
    assert.ok(peak.seen() <= 2 * 3 + 1, `peak ${peak.seen()}`);
  });
});

describe('bench --instances through a transaction-mode PgBouncer: the whole chain', () => {
  let server: TestServer;
  let pooler: TestPgBouncer;
  before(async () => {
    server = await startServer({ version: 15 });
    pooler = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings: { default_pool_size: 3, max_client_conn: 8 },
    });
  });
  after(async () => {
    await pooler?.stop();
    await server?.stop();
  });

  it('each instance’s pool is a set of the pooler’s clients; the queue row still reads the pooler', async () => {
    const r = await runCli([
      'bench',
      '--db',
      pooler.url(),
      '--pool-max',
      '2',
      '--instances',
      '2',
      '--rate',
      '80',
      '--hold-ms',
      '10',
      '--duration',
      '1s',
      '--warmup',
      '100ms',
    ]);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stdout, /through PgBouncer/);
    assert.match(r.stdout, /PgBouncer queue/);
    assert.match(r.stdout, /fleet, 2 pools/);
    assert.equal(await pooltuneSessionsLeft(server), 0);
  });

  it("instances × pool size must fit the pooler's free client slots", async () => {
    const r = await runCli(['bench', '--db', pooler.url(), '--pool-max', '4', '--instances', '2']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /2 instances × a pool of 4 .* would take the pooler's last client slots/);
  });
});
