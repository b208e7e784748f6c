/** bench --instances N: how the load is shared, how the fleet is measured, and Erlang C per instance. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureFleet, splitLoad, type InstanceInput } from '../../src/core/bench/fleet.js';
import type { Load } from '../../src/core/bench/load.js';
import { measure, RequestLog } from '../../src/core/bench/measurement.js';
import { poolUnderTest } from '../../src/core/bench/pool.js';
import { modelFor } from '../../src/core/bench/prediction.js';
import { predictErlangC } from '../../src/core/queueing/index.js';

const work = { kind: 'hold', holdMs: 10, distribution: 'exp' } as const;
const closed = (clients: number): Load => ({
  arrivals: { kind: 'closed', clients },
  work,
  durationMs: 1000,
  warmupMs: 0,
});
const open = (ratePerSecond: number): Load => ({
  arrivals: { kind: 'open', ratePerSecond },
  work,
  durationMs: 1000,
  warmupMs: 0,
});
const pool = poolUnderTest('--pool-max 4', 'flags', undefined, { maxConnections: 4, acquireTimeoutMs: 100 });

function instance(requests: number, acquireMs: number, extra: Partial<InstanceInput> = {}): InstanceInput {
  const log = new RequestLog();
  for (let i = 0; i < requests; i++) log.add(0, acquireMs, 10, acquireMs > 0);
  log.timeouts = 1;
  log.addError('57014');
  return {
    log: log.data(),
    windowMs: 1000,
    offeredPerSecond: 200,
    scheduled: requests + 2,
    samples: [
      { atMs: 250, total: 4, idle: 1, waiting: 0 },
      { atMs: 500, total: 4, idle: 0, waiting: 2 },
    ],
    peakWaiting: 3,
    cpuMicros: 10_000,
    eventLoopUtilisation: 0.2,
    ...extra,
  };
}

describe('splitLoad', () => {
  it('deals a closed loop’s clients out evenly, the first instances taking the remainder', () => {
    const clients = splitLoad(closed(7), 3).map((l) =>
      l.arrivals.kind === 'closed' ? l.arrivals.clients : 0,
    );
    assert.deepEqual(clients, [3, 2, 2]);
    assert.deepEqual(
      splitLoad(closed(8), 2).map((l) => l.arrivals),
      [
        { kind: 'closed', clients: 4 },
        { kind: 'closed', clients: 4 },
      ],
    );
  });

  it('splits an open loop’s rate evenly and keeps the work and the clock', () => {
    const shares = splitLoad(open(90), 3);
    assert.deepEqual(
      shares.map((l) => l.arrivals),
      Array.from({ length: 3 }, () => ({ kind: 'open', ratePerSecond: 30 })),
    );
    for (const share of shares) assert.deepEqual([share.work, share.durationMs], [work, 1000]);
  });

  it('one instance is the load itself; no instances at all is a bug', () => {
    assert.deepEqual(splitLoad(open(50), 1), [open(50)]);
    assert.throws(() => splitLoad(open(50), 0), RangeError);
  });
});

describe('measureFleet', () => {
  it('counts every request once, and takes the fleet’s percentiles over all of them', () => {
    const { fleet, instances } = measureFleet([instance(100, 0), instance(300, 8)]);
    assert.equal(fleet.completed, 400);
    assert.equal(fleet.throughputPerSecond, 400);
    assert.deepEqual([fleet.timeouts, fleet.errors, fleet.errorCodes], [2, 2, { '57014': 2 }]);
    assert.equal(fleet.waitedShare, 0.75);
    // 300 of the 400 waited 8 ms: the fleet's median is theirs, not a mean of two medians (4 ms).
    assert.equal(fleet.acquire.p50Ms, 8);
    assert.deepEqual(
      instances.map((m) => [m.completed, m.acquire.p50Ms]),
      [
        [100, 0],
        [300, 8],
      ],
    );
    assert.equal(fleet.offeredPerSecond, 400);
    assert.deepEqual([fleet.pool.peakTotal, fleet.pool.peakWaiting], [8, 6]);
  });

  it('charges the process’s CPU (each thread reads all of it) once, shared by completed requests', () => {
    const { fleet, instances } = measureFleet([
      instance(100, 0, { cpuMicros: 40_000 }),
      instance(300, 0, { cpuMicros: 39_000 }),
    ]);
    assert.equal(fleet.client.cpuPerRequestUs, 100);
    assert.deepEqual(
      instances.map((m) => m.client.cpuPerRequestUs),
      [100, 100],
    );
  });

  it('a closed loop has no offered rate', () => {
    const { fleet } = measureFleet([instance(10, 0, { offeredPerSecond: null }), instance(10, 0)]);
    assert.equal(fleet.offeredPerSecond, null);
  });
});

describe('Erlang C per instance', () => {
  const measured = (rate: number) => {
    const log = new RequestLog();
    for (let i = 0; i < rate; i++) log.add(0, 0, 10, false);
    return measure({
      log,
      windowMs: 1000,
      offeredPerSecond: rate,
      scheduled: rate,
      samples: [],
      cpuMicros: 0,
      eventLoopUtilisation: 0,
    });
  };

  it('an instance is its own pool at its share of the arrivals', () => {
    const [share] = splitLoad(open(600), 2);
    assert.ok(share);
    const model = modelFor(measured(300), pool, share);
    const expected = predictErlangC({ ratePerSecond: 300, holdMs: 10, servers: 4 });
    assert.ok(model && expected.meanWaitMs !== null);
    assert.equal(model.waitProbability, Math.round(expected.waitProbability * 10_000) / 10_000);
    assert.equal(model.busyConnections, 3);
  });

  it('the fleet: each pool at rate/N, the fleet’s busy connections N times one pool’s', () => {
    const fleet = modelFor(measured(600), pool, open(600), 2);
    const one = modelFor(measured(300), pool, open(300));
    assert.ok(fleet && one);
    assert.deepEqual([fleet.waitProbability, fleet.meanWaitMs], [one.waitProbability, one.meanWaitMs]);
    assert.equal(fleet.busyConnections, 6);
    // The same 600/s on one pool of 4 could not keep up at all.
    assert.equal(modelFor(measured(600), pool, open(600))?.meanWaitMs, null);
  });
});
