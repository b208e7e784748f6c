import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeBudget } from '../../src/core/health/utilisation.js';
import { serverFacts } from '../helpers/facts.js';
import { poolerFacts, poolerPool } from '../helpers/pooler-facts.js';

const THROUGH = { throughPooler: true, announcedPid: 7, backendPid: 9100 };

/**
 * A server of 100 slots whose 95 clients leave nothing to spare, behind a pooler with 30 of 100 clients
 * and `idle` idle server connections in the pool of pooltune's role.
 */
function busyServer(poolerRead: boolean, idle = 10) {
  return serverFacts({
    settings: { max_connections: 100, superuser_reserved_connections: 3 },
    activity: { clientBackends: 95, ownBackends: 1 },
    route: THROUGH,
    pooler: {
      seenBy: 'backend-pid',
      sessionThrough: true,
      console: 'stats@127.0.0.1:6432/pgbouncer',
      facts: poolerRead
        ? poolerFacts({
            config: { maxClientConn: 100 },
            pools: [
              poolerPool('appdb', 'app', { clientsActive: 30, serversIdle: idle }),
              // Another role's idle connections are not the probe's to use.
              poolerPool('appdb', 'reports', { serversIdle: 50 }),
            ],
          })
        : null,
      poolMode: 'transaction',
      unread: poolerRead ? null : 'the console refused the login',
    },
  });
}

describe("the pool probe's budget", () => {
  it('through a pooler whose console was read: its free client slots, as far as its idle server connections reach', () => {
    // 100 − 30 − pooltune's own − 10 spare: room for the 8 asked for, and 10 idle server connections to serve them.
    assert.deepEqual(probeBudget(8, busyServer(true)), { size: 8, margin: 10, free: 69, slotsOf: 'pooler' });
    // Only 3 idle, and the server has no slot for the pooler to open more: the server bounds it.
    const budget = probeBudget(8, busyServer(true, 3));
    assert.equal(budget.size, 3);
    assert.equal(budget.slotsOf, 'server');
  });

  it("through a pooler whose console was not read: the server's, the only bound known", () => {
    const budget = probeBudget(8, busyServer(false));
    assert.equal(budget.slotsOf, 'server');
    assert.equal(budget.size, 0);
  });

  it('directly: the server', () => {
    const budget = probeBudget(8, serverFacts({ settings: { max_connections: 100 } }));
    assert.equal(budget.slotsOf, 'server');
    assert.equal(budget.size, 8);
  });
});
