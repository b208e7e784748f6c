import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuBoundFinding } from '../../src/core/cpu-bound.js';
import type { Finding } from '../../src/core/findings.js';
import type { ServerBudget } from '../../src/core/sizing.js';
import {
  recommendPoolFromTraffic,
  TrafficInputError,
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
    assert.match(busy.title, /server, not the pool, is the bottleneck/);
  });
});
