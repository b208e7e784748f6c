import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatListenAddress,
  nextRetryDelay,
  parseListenAddress,
  RETRY_BACKOFF,
} from '../../src/core/metrics/listen.js';
import { POOLTUNE_METRICS as M } from '../../src/core/metrics/names.js';
import {
  METRIC_SPECS,
  sampleMetrics,
  STATE_GAUGES,
  type MetricValue,
} from '../../src/core/metrics/sample-metrics.js';
import type { PoolerSampleRead } from '../../src/core/monitor/pooler-sample.js';
import { listenSampler } from '../../src/core/monitor/listen-sampler.js';
import type { MonitorReading, MonitorSample } from '../../src/core/monitor/sample.js';
import { EMPTY_ROSTER, type SessionRef } from '../../src/core/sessions/roster.js';
import { listenAddress } from '../../src/cli/flags/values.js';

const pooler: PoolerSampleRead = {
  status: 'read',
  clientsWaiting: 4,
  maxWaitMs: 250,
  servers: { active: 10, idle: 0, used: 0, login: 0 },
  poolSize: 10,
  poolUsePercent: 100,
  fullestPool: { pool: 'app/app', percent: 100 },
  window: {
    windowMs: 1000,
    transactions: 80,
    transactionsPerSecond: 80,
    waitMs: 1500,
    assignments: 60,
    waitPerCheckoutMs: 25,
  },
};

const sample: MonitorSample = {
  seq: 3,
  at: '2026-12-02T12:00:03.000Z',
  elapsedMs: 3000,
  clients: 30,
  usableSlots: 40,
  utilisationPercent: 75,
  byState: { active: 12, idle: 14, idleInTransaction: 3, other: 1, unknown: 0 },
  oldestIdleInTransactionSeconds: 7.5,
  longestQuerySeconds: null,
  waitingOnLocks: 2,
  churn: { windowMs: 1000, newSessions: 6, newSessionsPerSecond: 6, abandoned: 1, fatal: 0, killed: 2 },
  transactions: { windowMs: 1000, committed: 90, rolledBack: 10, perSecond: 100 },
  pooler,
};

const session = (over: Partial<SessionRef>): SessionRef => ({
  pid: 1,
  role: 'app',
  application: null,
  clientAddress: null,
  state: 'active',
  transactionSeconds: null,
  querySeconds: null,
  stateSeconds: null,
  waitEvent: null,
  waitingOnLock: false,
  lockWaitSeconds: null,
  blockedBy: [],
  ...over,
});

const valueOf = (values: readonly MetricValue[], metric: string, labels: Record<string, string> = {}) =>
  values.find((v) => v.metric === metric && Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    ?.value;

describe('monitor --listen: a sample as Prometheus values', () => {
  const roster = {
    ...EMPTY_ROSTER,
    sessions: [
      session({ pid: 1, transactionSeconds: 42, waitingOnLock: false }),
      session({ pid: 2, transactionSeconds: 12, waitingOnLock: true, lockWaitSeconds: 9 }),
      session({ pid: 3, transactionSeconds: null, waitingOnLock: true, lockWaitSeconds: null }),
    ],
  };
  const { set, add } = sampleMetrics(sample, roster);

  it('sets the gauges in seconds and ratios, the connections by pg_stat_activity state', () => {
    assert.equal(valueOf(set, M.clientConnections, { state: 'idle in transaction' }), 3);
    assert.equal(valueOf(set, M.clientConnections, { state: 'active' }), 12);
    assert.equal(valueOf(set, M.slotUtilisation), 0.75);
    assert.equal(valueOf(set, M.usableSlots), 40);
    assert.equal(valueOf(set, M.idleInTransactionMaxAge), 7.5);
    assert.equal(valueOf(set, M.longestQuery), 0, 'no active query: 0, never absent');
    assert.equal(valueOf(set, M.lockWaits), 2);
    assert.equal(valueOf(set, M.longestTransaction), 42);
    assert.equal(valueOf(set, M.longestLockWait), 9, 'only sessions waiting on a lock count');
    assert.equal(valueOf(set, M.poolerClientsWaiting), 4);
    assert.equal(valueOf(set, M.poolerMaxWait), 0.25);
  });

  it("adds the sample's window to the counters", () => {
    assert.equal(valueOf(add, M.newSessions), 6);
    assert.equal(valueOf(add, M.sessionsEndedAbnormally, { reason: 'killed' }), 2);
    assert.equal(valueOf(add, M.transactions, { outcome: 'committed' }), 90);
    assert.equal(valueOf(add, M.transactions, { outcome: 'rolled_back' }), 10);
    assert.equal(valueOf(add, M.poolerClientWait), 1.5);
    assert.equal(valueOf(add, M.poolerCheckouts), 60, 'assignments when PgBouncer counts them');
  });

  it('leaves out what the server or pooler did not say', () => {
    const bare = sampleMetrics(
      { ...sample, churn: null, transactions: null, pooler: { status: 'lost', reason: 'gone' } },
      undefined,
    );
    assert.equal(bare.add.length, 0);
    assert.equal(valueOf(bare.set, M.poolerClientsWaiting), undefined);
    assert.equal(valueOf(bare.set, M.longestTransaction), 0);
    const checkouts = sampleMetrics(
      { ...sample, pooler: { ...pooler, window: { ...pooler.window!, assignments: null } } },
      undefined,
    );
    assert.equal(valueOf(checkouts.add, M.poolerCheckouts), 80, 'transactions before PgBouncer 1.23');
  });

  it('declares every name the alert rules read, and no other', () => {
    assert.deepEqual(Object.keys(METRIC_SPECS).sort(), Object.values(M).sort());
    for (const [name, spec] of Object.entries(METRIC_SPECS))
      assert.equal(name.endsWith('_total'), spec.type === 'counter', name);
    assert.ok(!STATE_GAUGES.includes(M.up));
  });
});

describe('monitor --listen: its address and its retries', () => {
  it('reads host:port, [v6]:port and :port', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9187'), { host: '127.0.0.1', port: 9187 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListenAddress(':9187'), { host: '', port: 9187 });
    assert.deepEqual(parseListenAddress('metrics.local:80'), { host: 'metrics.local', port: 80 });
    for (const nonsense of ['9187', '127.0.0.1', 'host:65536', 'host:-1', 'host:port', '::1:80', 'a b:1', ''])
      assert.equal(parseListenAddress(nonsense), undefined, nonsense);
    assert.throws(() => listenAddress('nonsense'), /Expected host:port/);
    assert.equal(formatListenAddress('::1', 9187), '[::1]:9187');
  });

  it('waits 1s, then twice as long each time, never over 30s', () => {
    const delays: number[] = [];
    let d: number | undefined;
    for (let i = 0; i < 8; i++) delays.push((d = nextRetryDelay(d)));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.equal(RETRY_BACKOFF.maxMs, 30_000);
  });
});

/** A reading at `atMs` with these counters: 10 clients, all idle. */
const reading = (atMs: number, sessions: number, committed: number): MonitorReading => ({
  at: atMs,
  wallTime: new Date(Date.UTC(2026, 11, 2, 12) + atMs),
  clients: 10,
  active: 0,
  idle: 10,
  idleInTransaction: 0,
  otherState: 0,
  unknownState: 0,
  oldestIdleInTransactionSeconds: null,
  longestQuerySeconds: null,
  waitingOnLocks: 0,
  counters: { at: atMs, sessions, abandoned: 0, fatal: 0, killed: 0 },
  transactions: { committed, rolledBack: 0 },
});

describe('monitor --listen: the sampler of one session', () => {
  it("adds each window's new sessions and others' transactions, its own three per reading taken out", () => {
    const sampler = listenSampler(reading(0, 50, 1000), { usableSlots: 100, ownTransactionEnd: 'committed' });
    const first = sampler.next(reading(1000, 55, 1000 + 3 + 40));
    const second = sampler.next(reading(2000, 55, 1000 + 6 + 40 + 25));
    assert.equal(valueOf(first.add, M.newSessions), 5);
    assert.equal(valueOf(first.add, M.transactions, { outcome: 'committed' }), 40);
    assert.equal(valueOf(second.add, M.newSessions), 0);
    assert.equal(valueOf(second.add, M.transactions, { outcome: 'committed' }), 25);
    assert.equal(second.sample.seq, 2);
    assert.equal(valueOf(second.set, M.slotUtilisation), 0.1);
  });
});
