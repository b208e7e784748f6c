import { withHints } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  heldNowFinding,
  instancesThatFit,
  maxConnectionsNeeded,
  recommendPool,
  type ServerBudget,
  type SizingInput,
} from '../../src/core/sizing.js';
import { builtinPreset } from '../helpers/presets.js';

const offline = (maxConnections: number, reserved = 0, others = 0): ServerBudget => ({
  maxConnections,
  reservedConnections: reserved,
  otherConnections: others,
  source: 'flag',
});

function size(input: Partial<SizingInput> & { workload?: 'oltp' | 'batch' | 'microservice' }) {
  return recommendPool({
    preset: builtinPreset(input.workload ?? 'oltp'),
    instances: 1,
    budget: offline(100),
    ...input,
  });
}

const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id);

describe('the guide formula: min(ceil(concurrency × 1.2), floor(budget × 0.8))', () => {
  it('OLTP with 33 concurrent requests gets 40 = min(ceil(39.6), 80), with the trace showing those numbers', () => {
    const { recommendation, findings } = size({ concurrency: 33 });
    assert.equal(recommendation.pool.maxConnections, 40);
    assert.equal(recommendation.sources.maxConnections, 'formula');
    const steps = Object.fromEntries(recommendation.trace.map((s) => [s.label, s]));
    assert.equal(steps['demand with headroom']?.computation, 'ceil(33 × 1.2) = ceil(39.6)');
    assert.equal(steps['demand with headroom']?.value, 40);
    assert.equal(steps['cap per instance']?.value, 80);
    assert.equal(steps['max_connections']?.computation, 'min(40, 80)');
    assert.equal(recommendation.pool.minConnections, 8, '20 % of 40');
    assert.deepEqual(ids(findings), ['fleet-fits-budget']);
    assert.equal(findings[0]?.severity, 'ok');
  });

  it('100 concurrent requests against max_connections 50 is capped at 40 with a critical shortfall', () => {
    const { recommendation, findings } = size({ concurrency: 100, budget: offline(50) });
    assert.equal(recommendation.pool.maxConnections, 40);
    const shortfall = findings.find((f) => f.id === 'budget-shortfall');
    assert.ok(shortfall, 'a shortfall finding');
    assert.equal(shortfall.severity, 'critical');
    assert.match(shortfall.title, /60 short of the 100 expected/);
    assert.deepEqual(shortfall.fix?.sql, ['ALTER SYSTEM SET max_connections = 150;']);
    assert.equal(shortfall.fix?.restart, true);
    assert.ok(withHints(shortfall).hints?.includes('raise-max-connections'));
  });

  it('4 instances sharing 100 slots at 100 concurrency get 20 each', () => {
    const { recommendation, findings } = size({ concurrency: 100, instances: 4 });
    assert.equal(recommendation.pool.maxConnections, 20);
    assert.equal(recommendation.fleet.totalConnections, 80);
    const shortfall = findings.find((f) => f.id === 'budget-shortfall');
    // Fewer instances is in the finding's own words, with how many would fit; the hints add the rest.
    assert.match(shortfall?.expected ?? '', /run at most \d+ instances?|not even one instance fits/);
    assert.deepEqual(shortfall && withHints(shortfall).hints, ['raise-max-connections', 'pgbouncer']);
  });

  it('headroom lost but concurrency still carried is a warning, not critical', () => {
    // cap = floor(100 × 0.8) = 80; demand = ceil(70 × 1.2) = 84
    const { recommendation, findings } = size({ concurrency: 70 });
    assert.equal(recommendation.pool.maxConnections, 80);
    assert.equal(findings.find((f) => f.id === 'budget-shortfall')?.severity, 'warning');
  });

  it('subtracts reserved slots and slots held by others before dividing', () => {
    const { recommendation } = size({ concurrency: 100, instances: 2, budget: offline(200, 10, 40) });
    // (200 − 10 − 40) / 2 = 75; floor(75 × 0.8) = 60
    assert.equal(recommendation.fleet.usableSlots, 150);
    assert.equal(recommendation.fleet.perInstanceCap, 60);
    assert.equal(recommendation.pool.maxConnections, 60);
  });

  it('uses exact integer arithmetic where floating point would round the wrong way', () => {
    for (let concurrency = 1; concurrency <= 2000; concurrency++) {
      const { recommendation } = size({ concurrency, budget: offline(100_000) });
      const expected = Math.ceil((concurrency * 12) / 10 - 1e-9);
      assert.equal(recommendation.pool.maxConnections, expected, `concurrency ${concurrency}`);
    }
  });
});

describe('presets without --concurrency', () => {
  it('batch reproduces the guide example: 10 connections, 2 warm, 30s wait, no query timeout, 2h lifetime', () => {
    const { recommendation } = size({ workload: 'batch' });
    const pool = recommendation.pool;
    assert.deepEqual(
      [
        pool.maxConnections,
        pool.minConnections,
        pool.acquireTimeoutMs,
        pool.queryTimeoutMs,
        pool.maxLifetimeMs,
      ],
      [10, 2, 30_000, null, 7_200_000],
    );
    assert.equal(recommendation.sources.maxConnections, 'preset');
    assert.equal(recommendation.sources.minConnections, 'preset');
  });

  it('microservice reproduces the guide example: 5 connections, 1 warm, 3s, 10s queries, 60s idle', () => {
    const pool = size({ workload: 'microservice' }).recommendation.pool;
    assert.deepEqual(
      [
        pool.maxConnections,
        pool.minConnections,
        pool.acquireTimeoutMs,
        pool.queryTimeoutMs,
        pool.idleTimeoutMs,
      ],
      [5, 1, 3000, 10_000, 60_000],
    );
  });

  it('OLTP reproduces the guide example: 50 connections, 10 warm, 2s, 5s queries, 300s idle, no test', () => {
    const pool = size({ workload: 'oltp' }).recommendation.pool;
    assert.deepEqual(
      [
        pool.maxConnections,
        pool.minConnections,
        pool.acquireTimeoutMs,
        pool.queryTimeoutMs,
        pool.idleTimeoutMs,
      ],
      [50, 10, 2000, 5000, 300_000],
    );
    assert.equal(pool.testBeforeAcquire, false);
  });

  it('caps a preset that does not fit the budget and says so', () => {
    const { recommendation, findings } = size({ workload: 'oltp', instances: 4 });
    assert.equal(recommendation.pool.maxConnections, 20);
    assert.equal(recommendation.sources.maxConnections, 'formula');
    assert.equal(recommendation.pool.minConnections, 4, 'min follows the capped max');
    assert.equal(findings.find((f) => f.id === 'preset-exceeds-budget')?.severity, 'warning');
  });
});

describe('edge budgets', () => {
  it('a server with no usable slots is critical and still recommends a pool of one', () => {
    const { recommendation, findings } = size({ concurrency: 5, budget: offline(10, 3, 7) });
    assert.equal(recommendation.pool.maxConnections, 1);
    assert.ok(ids(findings).includes('budget-exhausted'));
  });

  it('flags the large tier for PgBouncer', () => {
    const { findings } = size({ concurrency: 50, instances: 10, budget: offline(1000) });
    assert.ok(ids(findings).includes('large-tier'));
  });
});

describe('remedies', () => {
  it('maxConnectionsNeeded is the smallest server limit whose cap carries the demand', () => {
    for (const instances of [1, 2, 3, 7]) {
      for (const demand of [1, 5, 40, 121]) {
        for (const spoken of [0, 3, 17]) {
          const budget = offline(0, spoken, 0);
          const needed = maxConnectionsNeeded(demand, instances, budget);
          const cap = (max: number) => Math.floor(((max - spoken) * 4) / (5 * instances));
          assert.ok(cap(needed) >= demand, `cap(${needed}) carries ${demand}`);
          assert.ok(cap(needed - 1) < demand, `${needed - 1} would not`);
        }
      }
    }
  });

  it('instancesThatFit inverts the cap', () => {
    assert.equal(instancesThatFit(40, 100), 2);
    assert.equal(instancesThatFit(120, 100), 0);
    assert.equal(instancesThatFit(24, 100), 3);
  });
});

describe('slots other clients hold now, when the size counts them as free', () => {
  const live = (held: number, counted = false): ServerBudget => ({
    ...offline(100, 3),
    source: 'server',
    heldNow: { connections: held, counted },
  });
  it('says nothing while the fleet fits the free slots and use stays under the warning band', () => {
    assert.equal(heldNowFinding(live(0), 40), undefined);
    assert.equal(heldNowFinding(live(50), 40), undefined);
  });
  it('warns when the fleet would not fit what is free, or others fill 70 % of the usable slots', () => {
    assert.equal(heldNowFinding(live(60), 40)?.severity, 'warning'); // 37 free
    assert.match(
      heldNowFinding(live(60), 40)?.title ?? '',
      /hold 60 of the 97 usable slots .*leaving 37 free/,
    );
    assert.equal(heldNowFinding(live(68), 10)?.severity, 'warning'); // 70 %
  });
  it('is critical when no ordinary slot is free', () => {
    assert.equal(heldNowFinding(live(97), 10)?.severity, 'critical');
  });
  it('is not said when --account-for-others already counts them', () => {
    assert.equal(heldNowFinding({ ...live(97, true), otherConnections: 97 }, 1), undefined);
  });
});
