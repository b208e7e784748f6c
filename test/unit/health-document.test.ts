import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthChecks, runChecks, sessionChecks } from '../../src/core/checks/index.js';
import type { SessionRoster } from '../../src/core/sessions/roster.js';
import { roster, sessionRef } from '../helpers/sessions.js';
import type { HealthMetrics } from '../../src/core/health/metrics.js';
import type { Pair, ReportDocument } from '../../src/report/document.js';
import { healthDocument } from '../../src/report/documents/health.js';
import type { HealthReport } from '../../src/report/health-report.js';
import { healthReport } from './documents-fixtures.js';

/** The fixture's report with its metrics changed and its findings judged again from them. */
function judged(
  change: (m: HealthMetrics) => HealthMetrics,
  sessions: SessionRoster = roster([]),
): HealthReport {
  const base = healthReport();
  const metrics = change(base.metrics);
  const { findings, skipped } = runChecks([healthChecks, sessionChecks], {
    health: metrics,
    sessions: {
      role: 'app',
      roster: sessions,
      settings: {
        idleInTransactionTimeoutMs: 0,
        statementTimeoutMs: 0,
        lockTimeoutMs: 0,
        hasTransactionTimeout: true,
      },
      idleInTransactionId: 'idle-in-transaction',
    },
  });
  return { ...base, metrics, findings, skipped };
}

function rows(document: ReportDocument): Map<string, Pair> {
  const pairs = document.sections.flatMap((s) => s.blocks).find((b) => b.kind === 'pairs');
  assert.ok(pairs && pairs.kind === 'pairs');
  return new Map(pairs.rows.map((row) => [row.label, row]));
}

describe('health summary rows (issue 13, point 12)', () => {
  it('a lock wait on an almost empty server marks the sessions row, not utilisation', () => {
    const report = judged(
      (m) => ({
        ...m,
        utilisation: {
          ...m.utilisation,
          otherClients: 2,
          utilisationPercent: 2,
          active: 2,
          idle: 0,
          idleInTransaction: 0,
          longestIdleInTransactionSeconds: null,
          waitingOnLocks: 1,
        },
      }),
      roster([
        sessionRef({ pid: 7, state: 'active', waitingOnLock: true, lockWaitSeconds: 12, blockedBy: [3] }),
      ]),
    );
    assert.ok(report.findings.some((f) => f.id === 'lock-waits' && f.severity === 'warning'));
    const byArea = rows(healthDocument(report));
    assert.equal(byArea.get('utilisation')?.status, 'ok');
    assert.equal(byArea.get('sessions')?.status, 'warning');
    assert.match(String(byArea.get('sessions')?.value), /waiting on locks 1/);
  });

  it('every row is at most as severe as its own findings', () => {
    const report = healthReport();
    const byArea = rows(healthDocument(report));
    // The fixture: 84 % in use (warning) and sessions idle in transaction for 400s (warning).
    assert.equal(byArea.get('utilisation')?.status, 'warning');
    assert.equal(byArea.get('sessions')?.status, 'warning');
    assert.equal(byArea.get('latency')?.status, 'ok');
  });

  it('a role that cannot see other sessions gets the sessions row as skipped, and utilisation stays ok', () => {
    const report = judged(
      (m) => ({
        ...m,
        utilisation: {
          ...m.utilisation,
          otherClients: 2,
          utilisationPercent: 2,
          canSeeOthers: false,
          active: null,
          idle: null,
          idleInTransaction: null,
          longestIdleInTransactionSeconds: null,
          longestActiveSeconds: null,
          longestIdleSeconds: null,
          waitingOnLocks: 0,
        },
      }),
      roster([], false),
    );
    const byArea = rows(healthDocument(report));
    assert.equal(byArea.get('utilisation')?.status, 'ok');
    assert.equal(byArea.get('sessions')?.status, 'skipped');
  });
});
