import { withHints } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuBoundFinding } from '../../src/core/cpu-bound.js';
import type { Finding } from '../../src/core/findings.js';
import type { ServerBudget } from '../../src/core/sizing.js';
import { trafficFromCounters } from '../../src/core/traffic-measure.js';
import {
  recommendPoolFromTraffic,
  TrafficInputError,
  type CpuLimit,
  type TrafficDemand,
} from '../../src/core/traffic-sizing.js';
import { builtinPreset } from '../helpers/presets.js';

const budget = (maxConnections: number): ServerBudget => ({
  maxConnections,
  reservedConnections: 0,
  otherConnections: 0,
  source: 'flag',
});

function size(demand: Partial<TrafficDemand>, options: { instances?: number; max?: number } = {}) {
  return recommendPoolFromTraffic(
    { preset: builtinPreset('oltp'), instances: options.instances ?? 1, budget: budget(options.max ?? 100) },
    { ratePerSecond: 200, holdMs: 20, targetWaitMs: 10, targetPercentile: 99, ...demand },
  );
}

const byId = (findings: readonly Finding[], id: string) => findings.find((f) => f.id === id);

describe('sizing from traffic', () => {
  it('200/s × 20 ms: A = 4, 8 connections for p99 ≤ 10 ms, where the guide gives 5', () => {
    const { recommendation, traffic, findings } = size({});
    assert.equal(traffic.busyConnections, 4);
    assert.equal(traffic.neededPoolSize, 8);
    assert.equal(traffic.chosenPoolSize, 8);
    assert.equal(traffic.decidedBy, 'traffic');
    assert.equal(traffic.guide.poolSize, 5, 'ceil(4 × 1.2)');
    assert.equal(traffic.guide.concurrency, 4);
    assert.equal(recommendation.pool.maxConnections, 8);
    assert.equal(recommendation.sources.maxConnections, 'traffic');
    assert.equal(recommendation.pool.minConnections, 2, '20 % of 8, rounded');
    assert.match(traffic.reason, /^The traffic decided: 8 is the smallest pool/);
    assert.match(traffic.reason, /guide's formula gives 5/);
    assert.equal(byId(findings, 'traffic-wait-target')?.severity, 'ok');
    // The table brackets the choice: the size below misses the target, the choice meets it.
    const sizes = traffic.table.map((r) => r.poolSize);
    assert.deepEqual(sizes, [5, 6, 7, 8, 9, 10]);
    assert.equal(traffic.table.find((r) => r.poolSize === 7)?.meetsTarget, false);
    assert.equal(traffic.table.find((r) => r.poolSize === 8)?.meetsTarget, true);
  });

  it('a looser target or a lower percentile needs fewer connections', () => {
    assert.equal(size({ targetWaitMs: 50 }).traffic.neededPoolSize, 6);
    assert.equal(size({ targetPercentile: 90 }).traffic.neededPoolSize, 7);
    // A target of 0 at p99: at most 1 % may wait at all, which takes 10 (P(wait) 0.9 %).
    assert.equal(size({ targetWaitMs: 0 }).traffic.neededPoolSize, 10);
  });

  it('the rate is fleet-wide: four instances at 800/s each see 200/s and need 8', () => {
    const { traffic, recommendation } = size({ ratePerSecond: 800 }, { instances: 4 });
    assert.equal(traffic.ratePerInstance, 200);
    assert.equal(traffic.busyConnections, 4);
    assert.equal(traffic.fleetBusyConnections, 16);
    assert.equal(traffic.chosenPoolSize, 8);
    assert.equal(recommendation.fleet.totalConnections, 32);
    assert.ok(recommendation.trace.some((s) => s.label === 'rate per instance' && s.value === 200));
  });

  it('the budget caps the pool: a warning that says what the wait will be at the cap, and the SQL to fix it', () => {
    const { traffic, findings } = size({}, { max: 8 });
    assert.equal(traffic.perInstanceCap, 6);
    assert.equal(traffic.chosenPoolSize, 6);
    assert.equal(traffic.decidedBy, 'budget');
    assert.match(traffic.reason, /^The server budget decided: the traffic needs 8 connections per instance/);
    const finding = byId(findings, 'traffic-wait-target');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.title ?? '', /at the budget's maximum of 6 per instance the p99 wait is 33\.5ms/);
    assert.deepEqual(finding?.fix?.sql, ['ALTER SYSTEM SET max_connections = 10;']);
  });

  it('a budget at or below the mean load: critical, the queue grows without bound', () => {
    const { traffic, findings } = size({}, { max: 5 });
    assert.equal(traffic.chosenPoolSize, 4);
    assert.equal(traffic.atChosen.percentileWaitMs, null);
    const finding = byId(findings, 'traffic-wait-target');
    assert.equal(finding?.severity, 'critical');
    assert.match(finding?.title ?? '', /queue without bound/);
  });

  it('a fixed set of callers (Engset) needs fewer connections, never more than the callers', () => {
    const six = size({ callers: 6 }).traffic;
    assert.equal(six.model, 'engset');
    assert.equal(six.neededPoolSize, 6, 'one connection per caller: nobody waits');
    assert.ok(six.table.every((r) => r.poolSize <= 6));
    const twenty = size({ callers: 20 }).traffic;
    assert.ok(twenty.neededPoolSize <= 8, `${twenty.neededPoolSize}`);
  });

  it('rejects input no model can use', () => {
    assert.throws(() => size({ ratePerSecond: 0 }), TrafficInputError);
    assert.throws(() => size({ holdMs: 0 }), TrafficInputError);
    assert.throws(() => size({ targetPercentile: 100 }), TrafficInputError);
    assert.throws(() => size({ callers: 4 }), /4 callers per instance cannot keep 4 connections busy/);
  });

  it('rejects a load no server could run, which is usually a unit mistake', () => {
    assert.throws(() => size({ ratePerSecond: 10_000_000, holdMs: 60_000 }), /check the units/);
  });

  it('finds the same size by bisection as by counting up, for many loads', () => {
    for (const rate of [1, 37, 200, 999, 5000]) {
      const { traffic } = size({ ratePerSecond: rate }, { max: 10_000 });
      const below = traffic.table.find((r) => r.poolSize === traffic.neededPoolSize - 1);
      if (below) assert.equal(below.meetsTarget, false, `rate ${rate}: ${traffic.neededPoolSize - 1} misses`);
      assert.equal(traffic.atChosen.meetsTarget, true, `rate ${rate}`);
    }
  });

  it('stays quick and sane for a large load (A = 500)', () => {
    const { traffic } = size({ ratePerSecond: 25_000 }, { max: 10_000 });
    assert.equal(traffic.busyConnections, 500);
    assert.ok(traffic.neededPoolSize > 500 && traffic.neededPoolSize < 540, `${traffic.neededPoolSize}`);
    const busy = byId(size({ ratePerSecond: 25_000 }, { max: 10_000 }).findings, 'traffic-high-utilisation');
    assert.equal(busy?.severity, 'info');
    assert.match(busy?.title ?? '', /625 would keep them 80 % busy/);
    assert.equal(byId(size({}).findings, 'traffic-high-utilisation'), undefined, 'not at 50 %');
  });
});

describe('the CPU bound: (cores × 2) + spindles', () => {
  it('ok within the bound, info up to twice it, warning beyond', () => {
    assert.equal(cpuBoundFinding({ cores: 4, spindles: 0 }, 8).severity, 'ok');
    assert.equal(cpuBoundFinding({ cores: 4, spindles: 1 }, 18).severity, 'info');
    const far = cpuBoundFinding({ cores: 4, spindles: 1 }, 19);
    assert.equal(far.severity, 'warning');
    assert.match(far.title, /could run 19 queries at once, over 2 × the 9/);
  });

  it('warns when even the mean busy connections exceed the bound', () => {
    const busy = cpuBoundFinding({ cores: 2, spindles: 0 }, 8, 5);
    assert.equal(busy.severity, 'warning');
    assert.equal(busy.id, 'cpu-saturated', 'its own id: fewer instances or a pooler would not help');
    assert.match(busy.title, /server, not the pool, is the bottleneck/);
    assert.deepEqual(withHints(busy).hints, ['more-capacity']);
  });
});

describe('sizing from traffic measured on a saturated server (cores × 2 + spindles)', () => {
  // 60 s on a 4-core server (bound 8): 500 transactions/s with 20 sessions busy on average, so the hold
  // time reads 40 ms; most of it is queueing for the cores.
  const measured = trafficFromCounters(
    { atMs: 0, transactions: 0, activeMs: 0, idleInTransactionMs: 0 },
    { atMs: 60_000, transactions: 30_000, activeMs: 1_140_000, idleInTransactionMs: 60_000 },
    { database: 'app', requestedMs: 60_000, stoppedEarly: false, ownTransactions: 0 },
  );
  const hardware = { cores: 4, spindles: 0 };
  const sizeMeasured = (cpu?: CpuLimit, instances = 1) =>
    recommendPoolFromTraffic(
      { preset: builtinPreset('oltp'), instances, budget: budget(200) },
      {
        ratePerSecond: measured.ratePerSecond,
        holdMs: measured.holdMs ?? 0,
        targetWaitMs: 10,
        targetPercentile: 99,
      },
      cpu,
    );

  it('the measurement itself: 500/s, 20 busy sessions, 40 ms held', () => {
    assert.equal(measured.ratePerSecond, 500);
    assert.equal(measured.busyConnections, 20);
    assert.equal(measured.holdMs, 40);
  });

  it('without the cores, the inflated hold time asks for a pool far above the bound', () => {
    const { traffic } = sizeMeasured();
    assert.equal(traffic.decidedBy, 'traffic');
    assert.ok(traffic.chosenPoolSize > 20, String(traffic.chosenPoolSize));
  });

  it('with the cores, the pool stops at the bound and a warning says the measurement was inflated', () => {
    const { traffic, findings, recommendation } = sizeMeasured({
      hardware,
      measuredBusy: measured.busyConnections ?? 0,
    });
    assert.equal(traffic.chosenPoolSize, 8);
    assert.equal(traffic.decidedBy, 'cpu');
    assert.equal(recommendation.pool.maxConnections, 8);
    assert.match(
      traffic.reason,
      /^The database's CPU decided: 20 sessions were busy on average while the traffic/,
    );
    assert.equal(byId(findings, 'traffic-wait-target'), undefined, 'no "ok" for a pool of 24');
    const capped = byId(findings, 'traffic-cpu-capped');
    assert.equal(capped?.severity, 'warning');
    assert.match(capped?.title ?? '', /capped at 8 per instance, near the database's CPU bound/);
    assert.match(
      capped?.title ?? '',
      /\(4 cores × 2\) \+ 0 spindles = 8\): the measured hold time includes queueing/,
    );
    assert.ok(
      recommendation.trace.some((s) => s.label === 'CPU bound per instance' && s.value === 8),
      'the trace shows the bound',
    );
    assert.equal(
      recommendation.trace.find((s) => s.label === 'max_connections')?.formula.includes('CPU'),
      true,
    );
  });

  it('the bound is fleet-wide: four instances get 2 each', () => {
    const { traffic, recommendation } = sizeMeasured({ hardware, measuredBusy: 20 }, 4);
    assert.equal(traffic.chosenPoolSize, 2);
    assert.equal(recommendation.fleet.totalConnections, 8);
  });

  it('given traffic whose pool would exceed the bound is capped too, and the reason says so', () => {
    const { traffic, findings } = size({ ratePerSecond: 200, holdMs: 20 });
    assert.equal(traffic.chosenPoolSize, 8, 'uncapped');
    const capped = recommendPoolFromTraffic(
      { preset: builtinPreset('oltp'), instances: 1, budget: budget(100) },
      { ratePerSecond: 200, holdMs: 20, targetWaitMs: 10, targetPercentile: 99 },
      { hardware: { cores: 3, spindles: 0 } },
    );
    assert.equal(capped.traffic.chosenPoolSize, 6);
    assert.match(
      capped.traffic.reason,
      /the 8 connections per instance the traffic asks for would let the fleet run 8 queries at once, more than the 6/,
    );
    assert.match(byId(capped.findings, 'traffic-cpu-capped')?.title ?? '', /at 6 the p99 wait is 33\.5ms/);
    assert.equal(byId(findings, 'traffic-cpu-capped'), undefined);
  });

  it('given traffic that keeps more connections busy than the bound allows is critical: no pool can serve it', () => {
    const { findings, traffic } = recommendPoolFromTraffic(
      { preset: builtinPreset('oltp'), instances: 1, budget: budget(100) },
      { ratePerSecond: 500, holdMs: 20, targetWaitMs: 10, targetPercentile: 99 },
      { hardware: { cores: 2, spindles: 0 } },
    );
    assert.equal(traffic.chosenPoolSize, 4);
    const capped = byId(findings, 'traffic-cpu-capped');
    assert.equal(capped?.severity, 'critical');
    assert.match(capped?.title ?? '', /the queue grows without bound; these cores cannot carry this traffic/);
  });

  it('a pool within the bound is left alone, even with the cores given', () => {
    const { traffic, findings } = recommendPoolFromTraffic(
      { preset: builtinPreset('oltp'), instances: 1, budget: budget(100) },
      { ratePerSecond: 200, holdMs: 20, targetWaitMs: 10, targetPercentile: 99 },
      { hardware: { cores: 8, spindles: 0 }, measuredBusy: 4 },
    );
    assert.equal(traffic.chosenPoolSize, 8);
    assert.equal(traffic.decidedBy, 'traffic');
    assert.equal(byId(findings, 'traffic-wait-target')?.severity, 'ok');
  });
});
