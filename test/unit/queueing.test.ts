import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erlangB, erlangC, predictEngset, predictErlangC } from '../../src/core/queueing/index.js';

/** The textbook Erlang C sum with factorials: fine for small A and c, and independent of the recursion. */
function textbookErlangC(a: number, c: number): number {
  let factorial = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    if (k > 0) factorial *= k;
    sum += a ** k / factorial;
  }
  const top = (a ** c / (factorial * c)) * (c / (c - a));
  return top / (sum + top);
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );

describe('Erlang C', () => {
  it('matches the published values for A = 4 (peers.md §4.3): c=6 28 %, c=8 5.9 %, c=9 2.4 %, c=10 0.9 %', () => {
    near(erlangC(4, 6), 0.2848, 0.0005, 'c=6');
    near(erlangC(4, 8), 0.059, 0.0005, 'c=8');
    near(erlangC(4, 9), 0.024, 0.0005, 'c=9');
    near(erlangC(4, 10), 0.009, 0.0005, 'c=10');
  });

  it('agrees with the factorial formula computed independently, for many small A and c', () => {
    for (const a of [0.3, 1, 2.5, 4, 7.9, 12]) {
      for (let c = Math.floor(a) + 1; c <= 20; c++) {
        near(erlangC(a, c), textbookErlangC(a, c), 1e-9, `A=${a} c=${c}`);
      }
    }
  });

  it('gives Erlang B for one server as A/(1+A), and C = 1 once the load reaches the pool', () => {
    near(erlangB(3, 1), 0.75, 1e-12, 'B(3,1)');
    assert.equal(erlangC(4, 4), 1);
    assert.equal(erlangC(5, 4), 1);
    assert.equal(erlangC(0, 4), 0);
  });

  it('mean waits for A = 4, S = 20 ms: c=6 ≈ 2.8 ms, c=8 ≈ 0.30 ms', () => {
    near(predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 6 }).meanWaitMs, 2.85, 0.05, 'c=6');
    near(predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 8 }).meanWaitMs, 0.295, 0.01, 'c=8');
  });

  it('the p-quantile wait is 0 when P(wait) ≤ 1 − p and follows the exponential tail otherwise', () => {
    const c6 = predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 6 });
    const p = c6.waitProbability;
    // P(Wq > t) = P·exp(−(c−A)t/S): at the returned p99 the tail must be exactly 1 %.
    const p99 = c6.waitQuantileMs(0.99);
    near(p * Math.exp((-(6 - 4) * p99) / 20), 0.01, 1e-12, 'tail at p99');
    near(p99, 10 * Math.log(p / 0.01), 1e-9, 'p99 closed form');
    assert.equal(c6.waitQuantileMs(0.5), 0, 'fewer than half wait, so the median wait is 0');
    assert.equal(predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 10 }).waitQuantileMs(0.99), 0);
  });

  it('reports an overloaded pool as unstable with infinite waits', () => {
    const over = predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 4 });
    assert.equal(over.stable, false);
    assert.equal(over.meanWaitMs, Infinity);
    assert.equal(over.waitQuantileMs(0.99), Infinity);
    assert.equal(over.utilisation, 1);
  });

  it('stays finite and falls monotonically with c for a large load (A = 500, and A = 5000)', () => {
    for (const a of [500, 5000]) {
      let previous = 1;
      for (let c = a + 1; c <= a + 200; c++) {
        const value = erlangC(a, c);
        assert.ok(Number.isFinite(value) && value > 0 && value < 1, `A=${a} c=${c}: ${value}`);
        assert.ok(value < previous, `A=${a} c=${c}: ${value} ≥ ${previous}`);
        previous = value;
      }
    }
    // Square-root staffing: c = A + β√A with β = 2 gives P(wait) ≈ 2–3 % whatever the size.
    near(erlangC(500, 500 + 2 * Math.sqrt(500)), 0.025, 0.015, 'A=500 square-root staffing');
  });

  it('rejects nonsense input instead of returning NaN', () => {
    assert.throws(() => predictErlangC({ ratePerSecond: 0, holdMs: 20, servers: 6 }), RangeError);
    assert.throws(() => predictErlangC({ ratePerSecond: 200, holdMs: -1, servers: 6 }), RangeError);
    assert.throws(() => predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 2.5 }), RangeError);
    assert.throws(
      () => predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 6 }).waitQuantileMs(1),
      RangeError,
    );
  });
});

describe('Engset (finite callers)', () => {
  it('approaches Erlang C as the number of callers grows', () => {
    for (const servers of [6, 8, 10]) {
      const erlang = predictErlangC({ ratePerSecond: 200, holdMs: 20, servers });
      const many = predictEngset({ ratePerSecond: 200, holdMs: 20, servers, callers: 20_000 });
      near(many.waitProbability, erlang.waitProbability, 0.002, `P(wait) c=${servers}`);
      near(many.meanWaitMs, erlang.meanWaitMs, 0.02, `mean wait c=${servers}`);
      near(many.waitQuantileMs(0.99), erlang.waitQuantileMs(0.99), 0.1, `p99 c=${servers}`);
    }
  });

  it('waits less than Erlang C with few callers, and never once the pool has a connection per caller', () => {
    const erlang = predictErlangC({ ratePerSecond: 200, holdMs: 20, servers: 6 });
    const few = predictEngset({ ratePerSecond: 200, holdMs: 20, servers: 6, callers: 8 });
    assert.ok(
      few.waitProbability < erlang.waitProbability,
      `${few.waitProbability} < ${erlang.waitProbability}`,
    );
    assert.ok(few.meanWaitMs < erlang.meanWaitMs);
    const enough = predictEngset({ ratePerSecond: 200, holdMs: 20, servers: 8, callers: 8 });
    assert.equal(enough.waitProbability, 0);
    assert.equal(enough.meanWaitMs, 0);
    assert.equal(enough.waitQuantileMs(0.99), 0);
  });

  it('matches a hand-worked case: 2 callers, 1 connection', () => {
    // States 0,1,2 with think rate γ (per hold): p ∝ 1, 2γ, 2γ². Busy = (2γ + 2γ²)/(1 + 2γ + 2γ²).
    // Take γ = 1: p = 1/5, 2/5, 2/5; busy = 4/5, so A = 0.8 (rate 40/s at 20 ms).
    // An arrival sees weights (2−k)p_k = 2/5, 2/5 for k = 0, 1: it waits with probability 1/2, for one hold.
    const two = predictEngset({ ratePerSecond: 40, holdMs: 20, servers: 1, callers: 2 });
    near(two.waitProbability, 0.5, 1e-6, 'P(wait)');
    near(two.meanWaitMs, 10, 1e-4, 'mean wait');
    // The wait, given waiting, is exponential with mean S: P(W > t) = ½·exp(−t/S), so p99 = S·ln 50.
    near(two.waitQuantileMs(0.99), 20 * Math.log(50), 1e-3, 'p99');
  });

  it('calls a load the callers cannot produce unstable', () => {
    assert.equal(predictEngset({ ratePerSecond: 200, holdMs: 20, servers: 8, callers: 4 }).stable, false);
    assert.equal(predictEngset({ ratePerSecond: 200, holdMs: 20, servers: 4, callers: 50 }).stable, false);
  });
});
