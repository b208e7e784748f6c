import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HISTORY_POINTS, SampleHistory, historyOf } from '../../src/core/monitor/history.js';
import { sampleFrom, type MonitorReading, type MonitorSample } from '../../src/core/monitor/sample.js';
import { RunTally } from '../../src/core/monitor/summary.js';
import { RECENT_SAMPLES, RunRecord } from '../../src/core/monitor/run-record.js';
import { percentile } from '../../src/core/health/percentiles.js';

const T0 = Date.parse('2026-12-02T12:00:00.000Z');

function reading(i: number, clients: number, idleSeconds: number | null): MonitorReading {
  return {
    at: i * 1000,
    wallTime: new Date(T0 + i * 1000),
    clients,
    active: 1,
    idle: clients - 1,
    idleInTransaction: idleSeconds === null ? 0 : 1,
    otherState: 0,
    unknownState: 0,
    oldestIdleInTransactionSeconds: idleSeconds,
    longestQuerySeconds: 0.1,
    waitingOnLocks: 0,
    counters: { at: i * 1000, sessions: 100 + 2 * i, abandoned: 0, fatal: 0, killed: 0 },
    transactions: null,
  };
}

/** `n` samples a second apart of 100 usable slots; `clients(i)` and `idle(i)` say what sample i saw. */
function samples(
  n: number,
  clients: (i: number) => number,
  idle: (i: number) => number | null = () => null,
): MonitorSample[] {
  let previous = reading(0, clients(0), null);
  const out: MonitorSample[] = [];
  for (let i = 1; i <= n; i++) {
    const current = reading(i, clients(i), idle(i));
    out.push(sampleFrom(previous, current, { seq: i, startedAt: 0, usableSlots: 100 }));
    previous = current;
  }
  return out;
}

describe("a monitor run's history", () => {
  it('keeps a point per sample while the run fits', () => {
    const run = samples(HISTORY_POINTS, (i) => i % 100);
    const points = historyOf(run);
    assert.equal(points.length, HISTORY_POINTS);
    assert.ok(points.every((p, i) => p.samples === 1 && p.at === run[i]?.at));
  });

  it('past its capacity, points stand for more samples and stay within it, every sample counted once', () => {
    for (const n of [9, 10, 11, 33, 1000]) {
      const points = historyOf(
        samples(n, (i) => i % 50),
        8,
      );
      assert.ok(points.length <= 8, `${n} samples: ${points.length} points`);
      assert.equal(
        points.reduce((sum, p) => sum + p.samples, 0),
        n,
        `${n} samples`,
      );
      // Oldest first, each point where its first sample was.
      assert.ok(points.every((p, i) => i === 0 || p.elapsedMs > (points[i - 1]?.elapsedMs ?? 0)));
    }
  });

  it('keeps a one-sample spike and the oldest idle transaction that a chart of every n-th sample would miss', () => {
    const n = 100_000;
    const run = samples(
      n,
      (i) => (i === 54_321 ? 97 : 20),
      (i) => (i === 77_777 ? 600 : null),
    );
    const history = new SampleHistory();
    for (const s of run) history.add(s);
    const points = history.all;
    assert.ok(points.length <= HISTORY_POINTS && points.length > HISTORY_POINTS / 2, `${points.length}`);
    assert.equal(Math.max(...points.map((p) => p.utilisationPercent)), 97);
    assert.equal(points.filter((p) => p.utilisationPercent === 97).length, 1);
    assert.equal(Math.max(...points.map((p) => p.oldestIdleInTransactionSeconds ?? 0)), 600);
    assert.equal(points.filter((p) => p.oldestIdleInTransactionSeconds !== null).length, 1);
    // Two new sessions a second all along: a merged point keeps the rate, not a sum.
    assert.ok(points.every((p) => p.newSessionsPerSecond === 2));
  });

  it('refuses a capacity that cannot halve', () => {
    assert.throws(() => new SampleHistory(1), RangeError);
  });
});

describe("a monitor run's running summary", () => {
  it('over a long run gives the exact p95, mean and peak that all the samples give', () => {
    const n = 20_000;
    // A pseudo-random walk of clients between 0 and 100, the same every run.
    let x = 7;
    const clients = Array.from({ length: n + 1 }, () => (x = (x * 48271) % 2147483647) % 101);
    const run = samples(n, (i) => clients[i] ?? 0);
    const tally = new RunTally();
    for (const s of run) tally.add(s);
    const summary = tally.summary(1000);
    const values = run.map((s) => s.utilisationPercent).sort((a, b) => a - b);
    assert.equal(summary.samples, n);
    assert.equal(summary.utilisation.p95Percent, percentile(values, 95));
    assert.equal(
      summary.utilisation.meanPercent,
      Math.round((values.reduce((a, b) => a + b, 0) / n) * 10) / 10,
    );
    const peak = Math.max(...values);
    assert.equal(summary.utilisation.peakPercent, peak);
    assert.equal(summary.utilisation.peakAt, run.find((s) => s.utilisationPercent === peak)?.at);
    assert.equal(summary.churn?.newSessions, 2 * n);
  });
});

describe('what a monitor run keeps of its samples', () => {
  it('the last samples for the live view, the transactions so far, and nothing that grows', () => {
    const record = new RunRecord();
    const run = samples(5000, (i) => i % 90);
    for (const s of run)
      record.add({ ...s, transactions: { windowMs: 1000, committed: 3, rolledBack: 1, perSecond: 4 } });
    assert.equal(record.samples, 5000);
    assert.equal(record.recent.length, RECENT_SAMPLES);
    assert.equal(record.recent.at(-1)?.seq, 5000);
    assert.ok(record.history.length <= HISTORY_POINTS);
    assert.deepEqual(record.transactionsSoFar, { committed: 15_000, rolledBack: 5000 });
    assert.equal(record.summary(1000).transactions?.committed, 15_000);
  });
});
