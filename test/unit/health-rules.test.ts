import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTH_FAMILIES, healthChecks, runChecks } from '../../src/core/checks/index.js';
import { roster, sessionRef } from '../helpers/sessions.js';
import { churnBetween } from '../../src/core/health/churn.js';
import type { HealthMetrics, UtilisationMetrics } from '../../src/core/health/metrics.js';
import { percentile, summarizeLatencies } from '../../src/core/health/percentiles.js';
import { acquisitionRating } from '../../src/core/guide.js';
import { probePoolSize } from '../../src/core/health/utilisation.js';

const latency = (p50: number, p99 = p50) => ({
  count: 100,
  meanMs: p50,
  p50Ms: p50,
  p95Ms: p99,
  p99Ms: p99,
  maxMs: p99,
});

function metrics(
  overrides: { utilisation?: Partial<UtilisationMetrics> } & Partial<Omit<HealthMetrics, 'utilisation'>> = {},
): HealthMetrics {
  return {
    connectivity: { samples: 5, medianMs: 3, maxMs: 4 },
    acquisition: {
      poolSize: 4,
      callers: 8,
      coldStart: null,
      requestedPoolSize: 4,
      durationMs: 2000,
      acquisitions: 10_000,
      waits: latency(0.01),
      timeouts: 0,
      errors: 0,
      errorCodes: {},
      exhaustedSamples: 0,
    },
    queryLatency: { query: 'SELECT 1', latency: latency(0.05), warmupSamples: 10, timedOut: false },
    churn: { windowMs: 2000, newSessions: 0, newSessionsPerSecond: 0, abandoned: 0, fatal: 0, killed: 0 },
    ...overrides,
    utilisation: {
      role: 'app',
      usableSlots: 97,
      maxConnections: 100,
      reservedSlots: 3,
      otherClients: 10,
      utilisationPercent: 10,
      canSeeOthers: true,
      active: 1,
      idle: 9,
      idleInTransaction: 0,
      waitingOnLocks: 0,
      longestActiveSeconds: 0,
      longestIdleSeconds: 10,
      longestIdleInTransactionSeconds: null,
      idleInTransactionTimeoutMs: 300_000,
      ...overrides.utilisation,
    },
  };
}

const evaluateHealth = (m: HealthMetrics) => runChecks([healthChecks], { health: m });

const severityOf = (m: HealthMetrics, id: string) =>
  evaluateHealth(m).findings.find((f) => f.id === id)?.severity;

describe('percentiles from every sample', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(
      [50, 95, 99, 100].map((p) => percentile(sorted, p)),
      [50, 95, 99, 100],
    );
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), 0);
  });
  it('summarises unsorted samples', () => {
    const s = summarizeLatencies([5, 1, 3, 2, 4]);
    assert.deepEqual([s.count, s.meanMs, s.p50Ms, s.maxMs], [5, 3, 3, 5]);
  });
});

describe("health rules with the guide's thresholds", () => {
  it('a healthy server gives only ok findings', () => {
    const { findings, skipped } = evaluateHealth(metrics());
    assert.deepEqual(
      findings.filter((f) => f.severity !== 'ok').map((f) => f.id),
      [],
    );
    assert.deepEqual(skipped, []);
  });

  it('utilisation: under 70 % ok, 70–85 % warning, above 85 % critical', () => {
    const at = (p: number) =>
      severityOf(metrics({ utilisation: { utilisationPercent: p } }), 'server-utilisation');
    assert.deepEqual([at(69), at(70), at(85), at(86)], ['ok', 'warning', 'warning', 'critical']);
  });

  it('utilisation: every usable slot in use refuses connections now; 90 % is about to', () => {
    const title = (otherClients: number, utilisationPercent: number) =>
      runChecks([healthChecks], {
        health: metrics({ utilisation: { otherClients, usableSlots: 97, utilisationPercent } }),
      }).findings.find((f) => f.id === 'server-utilisation')?.title;
    assert.match(title(97, 100) ?? '', /: the server refuses new connections from ordinary roles now$/);
    assert.match(title(88, 91) ?? '', /: the server is about to refuse connections$/);
  });

  it('acquisition: under 1ms excellent, 1–10ms good, above 10ms poor', () => {
    assert.deepEqual([0.5, 1, 10, 10.5].map(acquisitionRating), ['excellent', 'good', 'good', 'poor']);
    const slow = metrics();
    const poor = { ...slow, acquisition: { ...slow.acquisition!, waits: latency(25) } };
    assert.equal(severityOf(poor, 'acquisition-wait'), 'warning');
  });

  it('timeouts above 0.1 % of requests are critical', () => {
    const m = metrics();
    const few = { ...m, acquisition: { ...m.acquisition!, acquisitions: 10_000, timeouts: 5 } };
    const many = { ...m, acquisition: { ...m.acquisition!, acquisitions: 1000, timeouts: 5 } };
    assert.equal(severityOf(few, 'acquisition-timeouts'), 'warning');
    assert.equal(severityOf(many, 'acquisition-timeouts'), 'critical');
  });

  it('query latency above 100ms is degraded', () => {
    assert.equal(
      severityOf(
        metrics({ queryLatency: { query: 'q', latency: latency(150), warmupSamples: 10, timedOut: false } }),
        'query-latency',
      ),
      'warning',
    );
    assert.equal(
      severityOf(
        metrics({
          queryLatency: { query: 'q', latency: latency(5, 150), warmupSamples: 10, timedOut: false },
        }),
        'query-latency',
      ),
      'info',
    );
    assert.equal(
      severityOf(
        metrics({ queryLatency: { query: 'q', latency: latency(5), warmupSamples: 10, timedOut: true } }),
        'query-latency',
      ),
      'critical',
    );
  });

  it('judges the sessions through the one session family, with its own idle-in-transaction id', () => {
    const observed = {
      role: 'app',
      roster: roster([sessionRef({ pid: 9, stateSeconds: 600 }), sessionRef({ pid: 8, stateSeconds: 400 })]),
      settings: {
        idleInTransactionTimeoutMs: 0,
        statementTimeoutMs: 0,
        lockTimeoutMs: 0,
        hasTransactionTimeout: true,
      },
      idleInTransactionId: 'idle-in-transaction' as const,
    };
    const f = runChecks(HEALTH_FAMILIES, { health: metrics(), sessions: observed }).findings.find(
      (x) => x.id === 'idle-in-transaction',
    );
    assert.match(
      f?.title ?? '',
      /^2 sessions have been idle inside a transaction for longer than 5min, the oldest for 10min: idle_in_transaction_session_timeout is off/,
    );
    assert.deepEqual(
      f?.fix?.sql?.at(-1),
      `ALTER ROLE "app" SET idle_in_transaction_session_timeout = '5min';`,
    );
    const { skipped } = runChecks(HEALTH_FAMILIES, {
      health: metrics(),
      sessions: { ...observed, roster: roster([], false) },
    });
    assert.equal(skipped.find((x) => x.id === 'session-states')?.enableWith, 'GRANT pg_monitor TO "app";');
  });

  it('churn: new sessions per second from others', () => {
    const before = { at: 0, sessions: 100, abandoned: 0, fatal: 0, killed: 0 };
    const after = { at: 2000, sessions: 160, abandoned: 1, fatal: 0, killed: 0 };
    const churn = churnBetween(before, after, 10);
    assert.deepEqual([churn.newSessions, churn.newSessionsPerSecond, churn.abandoned], [50, 25, 1]);
    const { findings } = evaluateHealth(metrics({ churn }));
    assert.equal(findings.find((f) => f.id === 'connection-churn')?.severity, 'warning');
    assert.equal(findings.find((f) => f.id === 'sessions-ended-abnormally')?.severity, 'info');
  });
});

describe('the probe pool never takes the last free slots', () => {
  const util = (usableSlots: number, otherClients: number) =>
    metrics({ utilisation: { usableSlots, otherClients } }).utilisation;
  it('keeps a margin of 2 or a tenth of the usable slots', () => {
    assert.equal(probePoolSize(4, util(97, 10)).size, 4);
    assert.equal(probePoolSize(4, util(17, 12)).size, 2);
    assert.equal(probePoolSize(4, util(17, 17)).size, 0);
    assert.equal(probePoolSize(4, util(97, 90)).size, 0, '6 free, 10 kept');
  });

  it("a pool probe the pooler's client slots shrank says so, not the server's", () => {
    const base = metrics();
    assert.ok(base.acquisition);
    const shrunk = (poolSize: number, boundBy?: 'pooler') =>
      evaluateHealth({
        ...base,
        acquisition: {
          ...base.acquisition!,
          poolSize,
          requestedPoolSize: 8,
          ...(boundBy ? { boundBy } : {}),
        },
      }).findings.find((f) => f.id === 'probe-pool-shrunk')?.title;
    assert.match(
      shrunk(3, 'pooler') ?? '',
      /used 3 connections instead of 8, to leave the pooler's last free client slots \(max_client_conn\)/,
    );
    assert.match(
      shrunk(0, 'pooler') ?? '',
      /did not run: the pooler has no free client slot \(max_client_conn\)/,
    );
    assert.match(shrunk(3) ?? '', /to leave the server's last free slots/);
  });
});
