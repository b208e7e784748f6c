import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trafficFromCounters, type CounterReading } from '../../src/core/traffic-measure.js';

const at = (
  atMs: number,
  transactions: number,
  activeMs: number | null,
  idleMs: number | null,
): CounterReading => ({
  atMs,
  transactions,
  activeMs,
  idleInTransactionMs: idleMs,
});

const context = { database: 'app', requestedMs: 10_000, stoppedEarly: false, ownTransactions: 2 };

describe('traffic from pg_stat_database counters', () => {
  it("Little's law straight from busy time: 38 s of busy time in 10 s is 3.8 busy sessions", () => {
    const m = trafficFromCounters(at(0, 1000, 5000, 100), at(10_000, 3002, 40_000, 3100), context);
    assert.equal(m.transactions, 2000, "pooltune's own 2 sampling queries subtracted");
    assert.equal(m.ratePerSecond, 200);
    assert.equal(m.activeConnections, 3.5);
    assert.equal(m.idleInTransactionConnections, 0.3);
    assert.equal(m.busyConnections, 3.8);
    assert.equal(m.holdMs, 19, '3.8 busy ÷ 200/s');
    assert.ok(m.caveats.some((c) => c.includes('every session on database app')));
  });

  it('before PostgreSQL 14: the rate only, and a caveat saying so', () => {
    const m = trafficFromCounters(at(0, 0, null, null), at(5000, 502, null, null), context);
    assert.equal(m.ratePerSecond, 100);
    assert.equal(m.busyConnections, null);
    assert.equal(m.holdMs, null);
    assert.ok(m.caveats.some((c) => c.includes('before PostgreSQL 14')));
  });

  it('no traffic: a rate of 0 and no hold time, never a division by zero', () => {
    const m = trafficFromCounters(at(0, 10, 0, 0), at(5000, 12, 3, 0), context);
    assert.equal(m.ratePerSecond, 0);
    assert.equal(m.holdMs, null);
  });
});
