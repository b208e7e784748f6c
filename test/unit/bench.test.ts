import { withHints } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exponential,
  nextArrivalGapMs,
  requestStatement,
  seededRandom,
  statementTimeoutFor,
  type Load,
} from '../../src/core/bench/load.js';
import { measure, RequestLog, type BenchMeasurement } from '../../src/core/bench/measurement.js';
import { poolUnderTest, type PoolUnderTest } from '../../src/core/bench/pool.js';
import { modelFor } from '../../src/core/bench/prediction.js';
import { benchChecks, healthChecks, runChecks } from '../../src/core/checks/index.js';
import { healthMetrics } from './documents-fixtures.js';

const openLoad: Load = {
  arrivals: { kind: 'open', ratePerSecond: 400 },
  work: { kind: 'hold', holdMs: 5, distribution: 'exp' },
  durationMs: 10_000,
  warmupMs: 1000,
};
const pool = poolUnderTest('--pool-max 4', 'flags', undefined, { maxConnections: 4, acquireTimeoutMs: 100 });

function logOf(
  timings: { acquireMs: number; queryMs: number; lagMs?: number; waited?: boolean }[],
  extra: { timeouts?: number; errors?: string[] } = {},
): RequestLog {
  const log = new RequestLog();
  for (const t of timings) log.add(t.lagMs ?? 0, t.acquireMs, t.queryMs, t.waited ?? false);
  log.timeouts = extra.timeouts ?? 0;
  for (const code of extra.errors ?? []) log.addError(code);
  return log;
}

function measured(log: RequestLog, overrides: Partial<Parameters<typeof measure>[0]> = {}): BenchMeasurement {
  return measure({
    log,
    windowMs: 1000,
    offeredPerSecond: 400,
    scheduled: log.completed + log.timeouts,
    samples: [],
    cpuMicros: 1000,
    eventLoopUtilisation: 0.2,
    ...overrides,
  });
}

describe('bench load', () => {
  it('peak waiting counts the waits the samples missed', () => {
    const log = logOf([
      { acquireMs: 2, queryMs: 5, waited: true },
      { acquireMs: 0, queryMs: 5 },
    ]);
    const sample = { atMs: 250, total: 4, idle: 0, waiting: 0 };
    assert.equal(measured(log, { samples: [sample], peakWaiting: 3 }).pool.peakWaiting, 3);
    assert.equal(measured(log, { samples: [{ ...sample, waiting: 5 }], peakWaiting: 3 }).pool.peakWaiting, 5);
  });

  it('a seeded generator repeats its stream', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, a);
    assert.deepEqual(first, Array.from({ length: 5 }, b));
    assert.ok(first.every((v) => v >= 0 && v < 1));
    assert.notDeepEqual(first, Array.from({ length: 5 }, seededRandom(43)));
  });

  it('Poisson gaps average 1/rate, and exponential draws their mean', () => {
    const random = seededRandom(7);
    const n = 200_000;
    let gaps = 0;
    for (let i = 0; i < n; i++) gaps += nextArrivalGapMs(400, random);
    assert.ok(Math.abs(gaps / n - 2.5) < 0.03, `mean gap ${gaps / n}`);
    let holds = 0;
    for (let i = 0; i < n; i++) holds += exponential(5, random);
    assert.ok(Math.abs(holds / n - 5) < 0.06, `mean hold ${holds / n}`);
  });

  it('each request runs SELECT 1, the query, or a pg_sleep of the hold time', () => {
    const random = seededRandom(1);
    assert.equal(requestStatement({ kind: 'select-1' }, random), 'SELECT 1');
    assert.equal(requestStatement({ kind: 'query', sql: 'select 2' }, random), 'select 2');
    assert.equal(
      requestStatement({ kind: 'hold', holdMs: 5, distribution: 'fixed' }, random),
      'SELECT pg_sleep(0.005000) FROM pg_catalog.pg_class LIMIT 1',
    );
    const exp = { kind: 'hold', holdMs: 5, distribution: 'exp' } as const;
    const seconds = Array.from({ length: 1000 }, () =>
      Number(/pg_sleep\(([\d.]+)\)/.exec(requestStatement(exp, () => 0.999999999))?.[1]),
    );
    assert.ok(
      seconds.every((s) => s <= 0.1),
      'an exponential hold is cut at 20 means',
    );
  });

  it("the sessions' statement timeout covers the longest hold", () => {
    assert.equal(statementTimeoutFor({ kind: 'select-1' }), 10_000);
    assert.equal(statementTimeoutFor({ kind: 'hold', holdMs: 20_000, distribution: 'fixed' }), 40_000);
    assert.equal(statementTimeoutFor({ kind: 'hold', holdMs: 1000, distribution: 'exp' }), 40_000);
  });
});

describe('the pool under test', () => {
  it('flags win over the base; the rest are the guide defaults', () => {
    const p = poolUnderTest('x', 'flags', undefined, { maxConnections: 8 });
    assert.deepEqual(
      { max: p.maxConnections, min: p.minConnections, acquire: p.acquireTimeoutMs },
      { max: 8, min: 2, acquire: 10_000 },
    );
    assert.equal(p.idleTimeoutMs, 600_000);
    assert.equal(p.maxLifetimeMs, 1_800_000);
    const fromPlan = poolUnderTest(
      'api',
      'plan',
      { maxConnections: 20, minConnections: 5, idleTimeoutMs: null },
      {
        acquireTimeoutMs: 50,
      },
    );
    assert.equal(fromPlan.maxConnections, 20);
    assert.equal(fromPlan.minConnections, 5);
    assert.equal(fromPlan.idleTimeoutMs, null, 'a plan\'s "none" stays none');
    assert.equal(fromPlan.acquireTimeoutMs, 50);
  });

  it('a smaller max pulls min down with it', () => {
    const p = poolUnderTest('x', 'plan', { maxConnections: 20, minConnections: 5 }, { maxConnections: 2 });
    assert.equal(p.minConnections, 2);
  });
});

describe('bench measurement', () => {
  it('counts waits, timeouts and errors against every request that asked', () => {
    const log = logOf(
      [
        { acquireMs: 0.1, queryMs: 5 },
        { acquireMs: 4, queryMs: 5, waited: true },
        { acquireMs: 0.1, queryMs: 5 },
        { acquireMs: 8, queryMs: 5, waited: true },
      ],
      { timeouts: 1, errors: ['57014'] },
    );
    const m = measured(log);
    assert.equal(m.completed, 4);
    assert.equal(m.waitedShare, 0.5);
    assert.equal(m.timeouts, 1);
    assert.equal(m.timeoutRate, 0.16667, '1 of 6 requests that asked');
    assert.deepEqual(m.errorCodes, { '57014': 1 });
    assert.equal(m.throughputPerSecond, 4);
    assert.equal(m.busyConnections, 0.02, "Little's law: 4/s × 5ms");
    assert.equal(m.total.maxMs, 13);
    assert.equal(m.client.cpuPerRequestUs, 250);
  });

  it('an open loop that sent late or too few requests is flagged; a closed loop never is', () => {
    const late = logOf([{ acquireMs: 0, queryMs: 1, lagMs: 12 }]);
    assert.equal(measured(late).client.fellBehind, true);
    const onTime = logOf(Array.from({ length: 100 }, () => ({ acquireMs: 0, queryMs: 1, lagMs: 1 })));
    assert.equal(measured(onTime).client.fellBehind, false);
    assert.equal(
      measured(onTime, { scheduled: 200 }).client.fellBehind,
      true,
      'half the requests never went',
    );
    assert.equal(measured(late, { offeredPerSecond: null }).client.fellBehind, false);
  });
});

const evaluateBench = (measurement: BenchMeasurement, pool: PoolUnderTest, load: Load) =>
  runChecks([benchChecks], { bench: { measurement, pool, load } }).findings;

describe('bench findings', () => {
  const ids = (m: BenchMeasurement, load: Load = openLoad) =>
    evaluateBench(m, pool, load).map((f) => `${f.id}:${f.severity}`);

  it('timeouts above 0.1 % are critical, with the slow-acquisition hints', () => {
    const log = logOf(
      Array.from({ length: 999 }, () => ({ acquireMs: 0.1, queryMs: 1 })),
      { timeouts: 2 },
    );
    const findings = evaluateBench(measured(log), pool, openLoad);
    const timeouts = findings.find((f) => f.id === 'acquisition-timeouts');
    assert.equal(timeouts?.severity, 'critical');
    assert.deepEqual(timeouts && withHints(timeouts).hints, ['slow-acquisition']);
    assert.match(timeouts?.title ?? '', /0\.2 %/);
    const fewer = logOf(
      Array.from({ length: 9999 }, () => ({ acquireMs: 0.1, queryMs: 1 })),
      { timeouts: 1 },
    );
    assert.ok(ids(measured(fewer)).includes('acquisition-timeouts:warning'));
  });

  it("rates the mean wait by the guide's lines", () => {
    const at = (acquireMs: number) => ids(measured(logOf([{ acquireMs, queryMs: 1 }])));
    assert.ok(at(0.5).includes('acquisition-wait:ok'));
    assert.ok(at(9).includes('acquisition-wait:ok'));
    assert.ok(at(11).includes('acquisition-wait:warning'));
  });

  it("judges a query's latency as health does; a pg_sleep hold is not judged (issue 13, point 13)", () => {
    const query: Load = { ...openLoad, work: { kind: 'query', sql: 'select pg_sleep(2.9)' } };
    const slow = measured(logOf(Array.from({ length: 20 }, () => ({ acquireMs: 0.1, queryMs: 2900 }))));
    const latency = evaluateBench(slow, pool, query).find((f) => f.id === 'query-latency');
    assert.equal(latency?.severity, 'warning');
    assert.match(latency?.title ?? '', /degraded: p50 2900ms is above 100ms/);
    const health = runChecks([healthChecks], {
      health: {
        ...healthMetrics(),
        queryLatency: { query: 'q', latency: slow.query, warmupSamples: 0, timedOut: false },
      },
    }).findings.find((f) => f.id === 'query-latency');
    assert.deepEqual(
      { ...latency },
      { ...health },
      'the same finding as health gives for the same latencies',
    );
    const fast = measured(logOf(Array.from({ length: 20 }, () => ({ acquireMs: 0.1, queryMs: 0.4 }))));
    assert.ok(ids(fast, query).includes('query-latency:ok'));
    const selectOne: Load = { ...openLoad, work: { kind: 'select-1' } };
    assert.ok(ids(fast, selectOne).includes('query-latency:ok'));
    assert.ok(
      !ids(slow, openLoad).some((id) => id.startsWith('query-latency')),
      'a hold is what was asked for',
    );
  });

  it('an open loop needing more busy connections than the pool has is critical', () => {
    const log = logOf(Array.from({ length: 100 }, () => ({ acquireMs: 30, queryMs: 12 })));
    assert.ok(ids(measured(log)).includes('pool-saturated:critical'), '400/s × 12ms = 4.8 > 4');
    const closed: Load = { ...openLoad, arrivals: { kind: 'closed', clients: 8 } };
    assert.ok(!ids(measured(log), closed).some((id) => id.startsWith('pool-saturated')));
  });

  it('failed requests are listed by SQLSTATE', () => {
    const log = logOf([{ acquireMs: 0.1, queryMs: 1 }], { errors: ['57014', '57014', '53300'] });
    const error = evaluateBench(measured(log), pool, openLoad).find((f) => f.id === 'request-errors');
    assert.match(error?.title ?? '', /3 requests failed \(SQLSTATE 53300 × 1, 57014 × 2\)/);
  });
});

describe('the queueing model beside an open-loop run', () => {
  it('is Erlang C at the arrivals the run had and its mean hold; none for a closed loop', () => {
    // 400 requests in 1 s holding 10ms each on a pool of 4: A = 4, the pool cannot keep up.
    const full = logOf(Array.from({ length: 400 }, () => ({ acquireMs: 1, queryMs: 10 })));
    assert.deepEqual(modelFor(measured(full), pool, openLoad), {
      busyConnections: 4,
      waitProbability: 1,
      meanWaitMs: null,
    });
    // 200 at 20ms on a pool of 8 is the guide's worked example: A = 4, P(wait) 5.9 %, mean wait 0.3ms.
    const pool8 = poolUnderTest('--pool-max 8', 'flags', undefined, { maxConnections: 8 });
    const half = logOf(Array.from({ length: 200 }, () => ({ acquireMs: 0, queryMs: 20 })));
    const model = modelFor(measured(half), pool8, openLoad);
    assert.equal(model?.busyConnections, 4);
    assert.ok(Math.abs((model?.waitProbability ?? 0) - 0.059) < 0.001, `${model?.waitProbability}`);
    assert.ok(Math.abs((model?.meanWaitMs ?? 0) - 0.295) < 0.001, `${model?.meanWaitMs}`);
    const closed: Load = { ...openLoad, arrivals: { kind: 'closed', clients: 8 } };
    assert.equal(modelFor(measured(half), pool8, closed), null);
  });
});
