import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizeServerPool, type ServerPoolInput } from '../../src/core/pooler/server-pool.js';
import { recommendPool, type ServerBudget } from '../../src/core/sizing.js';
import { recommendPoolFromTraffic } from '../../src/core/traffic-sizing.js';
import { OLTP_33 } from '../helpers/examples.js';
import { builtinPreset } from '../helpers/presets.js';

const budget = (maxConnections: number, reserved = 3): ServerBudget => ({
  maxConnections,
  reservedConnections: reserved,
  otherConnections: 0,
  source: 'flag',
});
const oltp = builtinPreset('oltp');

describe('recommend behind a pooler: the pool is sized against the pooler, not the server', () => {
  it("a fleet the server's slots could not carry is not capped when the pooler's client limit is unknown", () => {
    const direct = recommendPool({ preset: oltp, concurrency: 30, instances: 10, budget: budget(100) });
    assert.equal(direct.recommendation.pool.maxConnections, 7);
    const pooled = recommendPool({
      preset: oltp,
      concurrency: 30,
      instances: 10,
      budget: budget(100),
      pooler: { mode: 'transaction' },
    });
    assert.equal(pooled.recommendation.pool.maxConnections, 36);
    assert.deepEqual(pooled.recommendation.behindPooler, { mode: 'transaction', maxClientConn: null });
    assert.deepEqual(
      pooled.findings.map((f) => [f.id, f.severity]),
      [['pooler-client-limit', 'info']],
      'no server-slot findings, no advice to add a pooler',
    );
    assert.match(pooled.findings[0]?.title ?? '', /10 × 36 = 360 client connections/);
  });

  it('a known max_client_conn caps each instance at its share, and says what to raise when it is short', () => {
    const pooled = recommendPool({
      preset: oltp,
      concurrency: 30,
      instances: 10,
      budget: budget(100),
      pooler: { mode: 'transaction', maxClientConn: 200 },
    });
    assert.equal(pooled.recommendation.pool.maxConnections, 20);
    const cap = pooled.recommendation.trace.find((s) => s.label === 'cap per instance');
    assert.equal(cap?.computation, 'floor(200 ÷ 10)');
    const [finding] = pooled.findings;
    assert.equal(finding?.id, 'pooler-client-limit');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.expected ?? '', /max_client_conn of at least 360/);
  });

  it('a fleet within max_client_conn is ok', () => {
    const pooled = recommendPool({
      preset: oltp,
      concurrency: 10,
      instances: 4,
      budget: budget(100),
      pooler: { mode: 'session', maxClientConn: 100 },
    });
    assert.equal(pooled.findings[0]?.severity, 'ok');
  });

  it('traffic sizing behind a pooler: no server-slot findings and no max_connections fix', () => {
    const result = recommendPoolFromTraffic(
      { preset: oltp, instances: 4, budget: budget(20), pooler: { mode: 'transaction', maxClientConn: 12 } },
      { ratePerSecond: 2000, holdMs: 10, targetWaitMs: 10, targetPercentile: 99 },
    );
    assert.equal(result.recommendation.pool.maxConnections, 3);
    const ids = result.findings.map((f) => f.id);
    assert.ok(!ids.includes('fleet-fits-budget') && !ids.includes('large-tier'), ids.join(', '));
    const target = result.findings.find((f) => f.id === 'traffic-wait-target');
    assert.match(target?.title ?? '', /pooler's client limit/);
    assert.equal(target?.fix?.sql, undefined);
  });
});

describe("the pooler's server pool (--emit pgbouncer)", () => {
  const base: ServerPoolInput = {
    mode: 'transaction',
    budget: budget(100),
    appPool: { ...OLTP_33, maxConnections: 36 },
    appInstances: 10,
  };
  const value = (sizing: ReturnType<typeof sizeServerPool>, key: string) =>
    sizing.settings.find((s) => s.key === key)?.value;

  it('from the budget alone: pool + reserve within 80 % of the usable slots', () => {
    const sizing = sizeServerPool(base);
    assert.equal(sizing.decidedBy, 'budget');
    // floor(97 × 0.8) = 77: 70 + 7.
    assert.equal(sizing.defaultPoolSize + sizing.reservePoolSize, 77);
    assert.equal(value(sizing, 'max_db_connections'), 77);
    assert.equal(value(sizing, 'max_client_conn'), 370);
  });

  it('several PgBouncer processes each get their share of the server and of the fleet', () => {
    const sizing = sizeServerPool({ ...base, poolerInstances: 3 });
    assert.equal(sizing.processes, 3);
    // floor(77 / 3) = 25 per process, reserve included; 360 clients over 3 processes, plus 10 spare.
    assert.equal(value(sizing, 'max_db_connections'), 25);
    assert.equal(value(sizing, 'max_client_conn'), 130);
  });

  it("the database's cores bound it", () => {
    const sizing = sizeServerPool({ ...base, hardware: { cores: 8, spindles: 0 } });
    assert.equal(sizing.decidedBy, 'cpu');
    assert.equal(sizing.defaultPoolSize, 16);
    assert.equal(sizing.reservePoolSize, 2);
  });

  it("the fleet's traffic, over one pool, sizes it (Erlang C)", () => {
    const sizing = sizeServerPool({
      ...base,
      traffic: {
        preset: oltp,
        demand: { ratePerSecond: 2000, holdMs: 10, targetWaitMs: 10, targetPercentile: 99 },
      },
    });
    assert.equal(sizing.decidedBy, 'traffic');
    // 20 busy on average over the whole fleet: fewer than the 4 × 8 the instances would need alone.
    assert.ok(sizing.defaultPoolSize > 20 && sizing.defaultPoolSize < 32, String(sizing.defaultPoolSize));
  });

  it("never more server connections than the fleet's clients", () => {
    const sizing = sizeServerPool({ ...base, appInstances: 1, appPool: { ...OLTP_33, maxConnections: 5 } });
    assert.equal(sizing.decidedBy, 'clients');
    assert.equal(sizing.defaultPoolSize, 5);
    assert.equal(sizing.reservePoolSize, 0);
  });

  it('timeouts: server_idle_timeout below idle_session_timeout, query_timeout above statement_timeout, query_wait_timeout within the acquire timeout', () => {
    const sizing = sizeServerPool({ ...base, serverIdleSessionTimeoutMs: 60_000 });
    assert.equal(value(sizing, 'server_idle_timeout'), 54);
    assert.equal(value(sizing, 'query_timeout'), 10); // 5s + 5s
    assert.equal(value(sizing, 'query_wait_timeout'), 2); // the oltp acquire timeout
    const off = sizeServerPool({ ...base, appPool: { ...OLTP_33, queryTimeoutMs: null } });
    assert.equal(value(off, 'query_timeout'), 0);
    const server = sizeServerPool({
      ...base,
      appPool: { ...OLTP_33, queryTimeoutMs: null },
      serverStatementTimeoutMs: 60_000,
    });
    assert.equal(value(server, 'query_timeout'), 66);
  });

  it('no room on the server says so', () => {
    const sizing = sizeServerPool({ ...base, budget: budget(3) });
    assert.equal(sizing.defaultPoolSize, 1);
    assert.equal(sizing.reservePoolSize, 0);
    assert.match(sizing.warnings.join('\n'), /no slots to spare/);
  });
});
