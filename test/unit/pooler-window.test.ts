import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolerChecks, runChecks } from '../../src/core/checks/index.js';
import { poolerWindow } from '../../src/core/pooler/window.js';
import { poolerFacts, poolerPool, poolerStats } from '../helpers/pooler-facts.js';

const before = poolerFacts({
  stats: [poolerStats('appdb', { totalXactCount: 100, totalWaitTimeMs: 50 }), poolerStats('other')],
});
const after = (xacts: number, waitMs: number, waiting = 0) =>
  poolerFacts({
    stats: [
      poolerStats('appdb', { totalXactCount: 100 + xacts, totalWaitTimeMs: 50 + waitMs }),
      poolerStats('other', { totalXactCount: 7, totalWaitTimeMs: 1000 }),
    ],
    pools: [poolerPool('appdb', 'app', { clientsWaiting: waiting, maxWaitMs: waiting ? 39 : 0 })],
  });

describe("PgBouncer's totals over a window pooltune watched", () => {
  it('gives the wait per transaction for the database entries named (per assignment from 1.23)', () => {
    const w = poolerWindow(before, after(400, 2000, 2), 1000, ['appdb']);
    assert.deepEqual(
      { t: w.transactions, wait: w.waitMs, per: w.waitPerCheckoutMs, q: w.clientsWaiting, max: w.maxWaitMs },
      { t: 400, wait: 2000, per: 5, q: 2, max: 39 },
    );
    assert.equal(
      poolerWindow(before, after(400, 2000), 1000).transactions,
      407,
      'every entry without a name',
    );
  });

  it('starts from zero when a total went down (PgBouncer restarted in between)', () => {
    const restarted = poolerFacts({
      stats: [poolerStats('appdb', { totalXactCount: 3, totalWaitTimeMs: 1 })],
    });
    assert.equal(poolerWindow(before, restarted, 1000, ['appdb']).transactions, 3);
  });

  it("is judged with the guide's acquisition thresholds: the pool, not the server, is where requests waited", () => {
    const judged = (waitMs: number, waiting = 0) =>
      runChecks([poolerChecks], {
        pooler: {
          facts: after(100, waitMs, waiting),
          instances: 1,
          services: [],
          window: poolerWindow(before, after(100, waitMs, waiting), 2000, ['appdb']),
        },
      }).findings.find((f) => f.id === 'pooler-clients-waiting');
    assert.equal(judged(0)?.severity, 'ok');
    assert.equal(judged(50)?.severity, 'ok', '0.5 ms per transaction is excellent');
    assert.equal(judged(500)?.severity, 'info', '5 ms is good');
    const poor = judged(3900, 10);
    assert.equal(poor?.severity, 'warning');
    assert.match(
      poor?.title ?? '',
      /39 ms per transaction in PgBouncer's queue over 2s, 10 still waiting at the end, the oldest for 39 ms \(poor\)/,
    );
    assert.match(
      poor?.observed ?? '',
      /100 transactions through appdb, 3900 ms waited in all, 39 ms per transaction; 10 waiting at the end/,
    );
  });
});
