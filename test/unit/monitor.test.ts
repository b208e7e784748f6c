import { othersTransactions } from '../../src/core/monitor/transactions.js';
import { withHints } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GUIDE_CHECK_SETTINGS,
  limitsOf,
  monitorChecks,
  runChecks,
  type MonitorContext,
} from '../../src/core/checks/index.js';
import { keepWorstSessions, type WorstSessions } from '../../src/core/monitor/worst-sessions.js';
import type { SessionRoster } from '../../src/core/sessions/roster.js';
import { roster, sessionRef } from '../helpers/sessions.js';

const GUIDE_LIMITS = limitsOf(GUIDE_CHECK_SETTINGS);
import { exitCodeFor } from '../../src/core/exit-codes.js';
import {
  sampleFrom,
  transactionsIn,
  utilisationPercent,
  type MonitorReading,
  type MonitorSample,
} from '../../src/core/monitor/sample.js';
import { summariseSamples, type MonitorSummary } from '../../src/core/monitor/summary.js';
import { renderLiveView, renderSampleLine } from '../../src/report/monitor-text.js';
import { plainStyle } from '../../src/report/style.js';

const T0 = Date.parse('2026-11-26T17:00:00.000Z');

function reading(atMs: number, overrides: Partial<MonitorReading> = {}): MonitorReading {
  return {
    at: atMs,
    wallTime: new Date(T0 + atMs),
    clients: 10,
    active: 2,
    idle: 8,
    idleInTransaction: 0,
    otherState: 0,
    unknownState: 0,
    oldestIdleInTransactionSeconds: null,
    longestQuerySeconds: 0.25,
    waitingOnLocks: 0,
    counters: { at: atMs, sessions: 100, abandoned: 0, fatal: 0, killed: 0 },
    transactions: null,
    ...overrides,
  };
}

/** Samples every second with these utilisations (of 100 usable slots) and new sessions per interval. */
function run(percents: readonly number[], newSessions: readonly number[] = []): MonitorSample[] {
  let previous = reading(0);
  let sessions = 100;
  return percents.map((percent, i) => {
    sessions += newSessions[i] ?? 0;
    const at = (i + 1) * 1000;
    const current = reading(at, {
      clients: percent,
      counters: { at, sessions, abandoned: 0, fatal: 0, killed: 0 },
    });
    const sample = sampleFrom(previous, current, { seq: i + 1, startedAt: 0, usableSlots: 100 });
    previous = current;
    return sample;
  });
}

const context: MonitorContext = {
  role: 'app',
  canSeeOthers: true,
  hasSessionCounters: true,
  idleInTransactionThresholdMs: 300_000,
  sessionSettings: {
    idleInTransactionTimeoutMs: 0,
    statementTimeoutMs: 0,
    lockTimeoutMs: 0,
    hasTransactionTimeout: true,
  },
};

/** As monitor runs its family: the threshold the context reports is the one the check applies. */
const evaluateMonitor = (summary: MonitorSummary, ctx: MonitorContext, worstSessions: WorstSessions = {}) =>
  runChecks(
    [monitorChecks],
    { monitor: { summary, context: ctx, worstSessions } },
    { ...GUIDE_CHECK_SETTINGS, idleInTransactionMs: ctx.idleInTransactionThresholdMs },
  );

const judge = (
  samples: readonly MonitorSample[],
  over: Partial<MonitorContext> = {},
  worstSessions: WorstSessions = {},
) => evaluateMonitor(summariseSamples(samples, 1000), { ...context, ...over }, worstSessions);

/** The worst sessions monitor keeps from one roster per sample, as it does while running. */
const keptFrom = (rosters: readonly SessionRoster[]) =>
  rosters.reduce<WorstSessions>(
    (kept, r, i) =>
      keepWorstSessions(kept, r, { ...GUIDE_LIMITS }, new Date(T0 + (i + 1) * 1000).toISOString()),
    {},
  );

describe('monitor samples', () => {
  it('carry the change in session counters since the previous reading, as a rate over the window', () => {
    const previous = reading(0);
    const current = reading(2000, {
      counters: { at: 2000, sessions: 130, abandoned: 1, fatal: 2, killed: 3 },
    });
    const sample = sampleFrom(previous, current, { seq: 1, startedAt: 0, usableSlots: 40 });
    assert.deepEqual(sample.churn, {
      windowMs: 2000,
      newSessions: 30,
      newSessionsPerSecond: 15,
      abandoned: 1,
      fatal: 2,
      killed: 3,
    });
    assert.equal(sample.utilisationPercent, 25);
    assert.equal(sample.elapsedMs, 2000);
    assert.equal(sample.at, '2026-11-26T17:00:02.000Z');
  });

  it('have no churn before PostgreSQL 14 (no counters)', () => {
    const sample = sampleFrom(reading(0, { counters: null }), reading(1000, { counters: null }), {
      seq: 1,
      startedAt: 0,
      usableSlots: 100,
    });
    assert.equal(sample.churn, null);
  });

  it('never report a negative delta (counters reset by pg_stat_reset)', () => {
    const sample = sampleFrom(
      reading(0, { counters: { at: 0, sessions: 500, abandoned: 9, fatal: 9, killed: 9 } }),
      reading(1000),
      { seq: 1, startedAt: 0, usableSlots: 100 },
    );
    assert.equal(sample.churn?.newSessions, 0);
    assert.equal(sample.churn?.killed, 0);
  });

  it('utilisation in whole percent; a server without usable slots counts as full', () => {
    assert.equal(utilisationPercent(17, 20), 85);
    assert.equal(utilisationPercent(1, 3), 33);
    assert.equal(utilisationPercent(0, 0), 100);
  });
});

describe('monitor summary', () => {
  it('peak, mean and p95 utilisation, and when the peak was', () => {
    const stats = summariseSamples(run([10, 20, 30, 40, 90, 50, 60, 70, 80, 30]), 1000);
    assert.equal(stats.samples, 10);
    assert.equal(stats.utilisation.peakPercent, 90);
    assert.equal(stats.utilisation.meanPercent, 48);
    assert.equal(stats.utilisation.p95Percent, 90);
    assert.equal(stats.utilisation.peakAt, '2026-11-26T17:00:05.000Z');
    assert.equal(stats.utilisation.warningSamples, 2);
    assert.equal(stats.utilisation.criticalSamples, 1);
    assert.equal(stats.utilisation.firstWarningAt, '2026-11-26T17:00:08.000Z');
  });

  it('sums new sessions over the samples and keeps the peak rate', () => {
    const stats = summariseSamples(run([10, 10, 10], [3, 12, 5]), 1000);
    assert.equal(stats.churn?.newSessions, 20);
    assert.equal(stats.churn?.peakPerSecond, 12);
    assert.equal(stats.churn?.peakAt, '2026-11-26T17:00:02.000Z');
  });

  it('with no sample: null figures, and one info finding saying so', () => {
    const stats = summariseSamples([], 1000);
    assert.equal(stats.utilisation.peakPercent, null);
    const { findings } = evaluateMonitor(stats, context);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [['server-utilisation', 'info']],
    );
  });
});

describe('monitor findings at the guide thresholds', () => {
  const utilisation = (percents: number[]) =>
    judge(run(percents)).findings.find((f) => f.id === 'server-utilisation');

  it('the peak decides: 69 % ok, 70 % warning, 85 % warning, 86 % critical', () => {
    assert.equal(utilisation([10, 69, 10])?.severity, 'ok');
    assert.equal(utilisation([10, 70, 10])?.severity, 'warning');
    assert.equal(utilisation([10, 85, 10])?.severity, 'warning');
    assert.equal(utilisation([10, 86, 10])?.severity, 'critical');
  });

  it('a critical peak says when it began and how long it lasted, and fails the default gate', () => {
    const { findings } = judge(run([10, 90, 95, 20]));
    const f = findings.find((x) => x.id === 'server-utilisation');
    assert.equal(f?.severity, 'critical');
    assert.match(f?.title ?? '', /peaked at 95 % \(95 of 100 usable slots\) at 17:00:03 UTC/);
    assert.match(f?.title ?? '', /above 85 % in 2 of 4 samples \(about 2s\), first at 17:00:02 UTC/);
    assert.deepEqual(f && withHints(f).hints, ['too-many-connections']);
    assert.equal(exitCodeFor(findings, 'critical'), 1);
    assert.equal(exitCodeFor(judge(run([10, 80])).findings, 'critical'), 0);
    assert.equal(exitCodeFor(judge(run([10, 80])).findings, 'warning'), 1);
  });

  it('churn above 10 new sessions per second is a warning; at 10 it is not', () => {
    const churn = (n: number) =>
      judge(run([10, 10], [n, 0])).findings.find((f) => f.id === 'connection-churn');
    assert.equal(churn(10)?.severity, 'ok');
    assert.equal(churn(11)?.severity, 'warning');
    const busy = churn(11);
    assert.deepEqual(busy && withHints(busy).hints, ['reuse-connections', 'pgbouncer']);
  });

  it('sessions that ended abnormally are reported with their kinds', () => {
    const previous = reading(0);
    const current = reading(1000, {
      counters: { at: 1000, sessions: 100, abandoned: 2, fatal: 0, killed: 1 },
    });
    const sample = sampleFrom(previous, current, { seq: 1, startedAt: 0, usableSlots: 100 });
    const f = judge([sample]).findings.find((x) => x.id === 'sessions-ended-abnormally');
    assert.match(f?.title ?? '', /3 sessions ended abnormally .*2 abandoned, 0 fatal, 1 killed/);
  });

  it('idle in transaction beyond the threshold: names the sessions of the worst sample, with the fix', () => {
    const kept = keptFrom([
      roster([sessionRef({ pid: 11, stateSeconds: 200 })]),
      roster([sessionRef({ pid: 11, stateSeconds: 301 }), sessionRef({ pid: 12, stateSeconds: 305 })]),
      roster([]),
    ]);
    const f = judge(run([10, 10, 10]), {}, kept).findings.find((x) => x.id === 'idle-in-transaction');
    assert.equal(f?.severity, 'warning');
    assert.match(
      f?.title ?? '',
      /^2 sessions have been idle .*the oldest for 5min 5s \(seen at 17:00:02 UTC\).*is off/,
    );
    assert.deepEqual(
      f?.sessions?.map((s) => s.pid),
      [12, 11],
    );
    assert.deepEqual(f?.fix?.sql, [
      'SELECT pg_terminate_backend(12);',
      'SELECT pg_terminate_backend(11);',
      `ALTER ROLE "app" SET idle_in_transaction_session_timeout = '5min';`,
    ]);
    const under = keptFrom([roster([sessionRef({ pid: 11, stateSeconds: 299 })])]);
    assert.equal(
      judge(run([10]), {}, under).findings.some((x) => x.id === 'idle-in-transaction'),
      false,
    );
    const withTimeout = judge(
      run([10, 10, 10]),
      { sessionSettings: { ...context.sessionSettings, idleInTransactionTimeoutMs: 60_000 } },
      kept,
    ).findings.find((x) => x.id === 'idle-in-transaction');
    assert.deepEqual(withTimeout?.fix?.sql, [
      'SELECT pg_terminate_backend(12);',
      'SELECT pg_terminate_backend(11);',
    ]);
  });

  it('lock waits: severity by the longest wait, with the blockers and how many samples saw waits', () => {
    const waiting = (pid: number, lockWaitSeconds: number) =>
      sessionRef({ pid, state: 'active', waitingOnLock: true, lockWaitSeconds, blockedBy: [7] });
    const samples = run([10, 10, 10]).map((s, i) => ({ ...s, waitingOnLocks: i === 1 ? 2 : 0 }));
    const kept = keptFrom([roster([]), roster([waiting(21, 12), waiting(22, 3)]), roster([])]);
    const f = judge(samples, {}, kept).findings.find((x) => x.id === 'lock-waits');
    assert.equal(f?.severity, 'warning');
    assert.match(
      f?.title ?? '',
      /^2 sessions are waiting on a lock, the longest for 12s, blocked by pid 7 \(seen at 17:00:02 UTC, in 1 of 3 samples\)/,
    );
    const long = keptFrom([roster([waiting(21, 31)])]);
    assert.equal(
      judge(run([10]), {}, long).findings.find((x) => x.id === 'lock-waits')?.severity,
      'critical',
    );
    const short = keptFrom([roster([waiting(21, 2)])]);
    assert.equal(judge(run([10]), {}, short).findings.find((x) => x.id === 'lock-waits')?.severity, 'info');
  });

  it('long-running queries and long transactions from the worst sample, critical at 6× the threshold', () => {
    const kept = keptFrom([
      roster([sessionRef({ pid: 31, state: 'active', querySeconds: 400, transactionSeconds: 400 })]),
      roster([sessionRef({ pid: 31, state: 'active', querySeconds: 1801, transactionSeconds: 1801 })]),
    ]);
    const { findings } = judge(run([10, 10]), {}, kept);
    const query = findings.find((x) => x.id === 'long-running-queries');
    assert.equal(query?.severity, 'critical');
    assert.match(query?.title ?? '', /the longest for 30min 1s \(seen at 17:00:02 UTC\)/);
    assert.equal(findings.find((x) => x.id === 'long-transactions')?.severity, 'warning');
  });

  it('skips what the role or the server version cannot show, saying how to enable it', () => {
    const { skipped } = judge(run([10]), { canSeeOthers: false, hasSessionCounters: false, role: 'ap"p' });
    assert.deepEqual(
      skipped.map((s) => s.id),
      ['session-states', 'connection-churn'],
    );
    assert.equal(skipped[0]?.enableWith, 'GRANT pg_monitor TO "ap""p";');
  });
});

describe('monitor text', () => {
  it('one line per sample with the time, utilisation, states and churn', () => {
    const [sample] = run([42], [7]);
    assert.ok(sample);
    assert.equal(
      renderSampleLine(sample, plainStyle),
      '17:00:01 · 42/100 slots (42 %) · active 2, idle 8, idle in transaction 0 · 7.0 new sessions/s · longest query 0.3s · lock waits 0\n',
    );
    assert.match(renderSampleLine(sample, plainStyle, true), /^17:00:01\.0 · /);
  });

  it('the live view shows a sparkline of every sample, scaled to 0–100 %', () => {
    const samples = run([0, 50, 100]);
    const lines = renderLiveView(
      {
        target: 't',
        serverVersion: '18',
        pooler: null,
        intervalMs: 1000,
        durationMs: null,
        usableSlots: 100,
      },
      samples,
      summariseSamples(samples, 1000),
      plainStyle,
      100,
    );
    assert.match(lines[0] ?? '', /▁▅█$/);
    assert.match(lines[1] ?? '', /peak 100 %, mean 50 %, p95 100 %/);
  });
});

describe('monitor live view lines', () => {
  it('are cut to the terminal width, colour escapes kept and reset', async () => {
    const { fitLine } = await import('../../src/report/monitor-text.js');
    assert.equal(fitLine('abcdef', 4), 'abcd');
    assert.equal(fitLine('ab', 4), 'ab');
    assert.equal(fitLine('\u001b[31mabcdef\u001b[39m', 3), '\u001b[31mabc\u001b[39m\u001b[0m');
    assert.equal(fitLine('▁▅█▁', 2), '▁▅');
  });
});

describe('monitor transactions per second (issue 13, point 15)', () => {
  const counters = (committed: number, rolledBack = 0) => ({ committed, rolledBack });
  /** Samples a second apart from these raw xact_commit readings, as the command takes them. */
  function samplesOf(commits: readonly number[], rollbacks: readonly number[] = []): MonitorSample[] {
    const baseline = reading(0, { transactions: counters(commits[0] ?? 0, rollbacks[0] ?? 0) });
    let previous = baseline;
    const samples: MonitorSample[] = [];
    for (let i = 1; i < commits.length; i++) {
      const current = reading(i * 1000, { transactions: counters(commits[i] ?? 0, rollbacks[i] ?? 0) });
      samples.push(
        sampleFrom(previous, current, {
          seq: i,
          startedAt: 0,
          usableSlots: 100,
          transactionsBaseline: baseline.transactions,
          transactionsSoFar: transactionsIn(samples),
        }),
      );
      previous = current;
    }
    return samples;
  }

  it("counts others' commits and rollbacks per second, without pooltune's own three per reading", () => {
    // 50 commits a second from others, plus pooltune's 3; a rollback every other second.
    const samples = samplesOf([1000, 1053, 1106, 1159], [10, 10, 11, 11]);
    assert.deepEqual(
      samples.map((s) => s.transactions?.perSecond),
      [50, 51, 50],
    );
    const stats = summariseSamples(samples, 1000);
    assert.deepEqual(stats.transactions, {
      committed: 150,
      rolledBack: 1,
      meanPerSecond: 50.3,
      peakPerSecond: 51,
      peakAt: samples[1]?.at,
    });
    assert.match(renderSampleLine(samples[0] as MonitorSample, plainStyle), / · 50\.0 tps · /);
  });

  it("an idle server whose statistics report pooltune's own commits late shows no phantom transactions", () => {
    // pooltune's own commits land in lumps: 0, 6, 0, 6 … instead of 3 a reading.
    const samples = samplesOf([1000, 1000, 1006, 1006, 1012, 1012, 1018]);
    const stats = summariseSamples(samples, 1000);
    assert.equal(stats.transactions?.committed, 0);
    assert.ok(samples.every((s) => (s.transactions?.committed ?? -1) >= 0));
  });
});

describe("pooltune's own transactions in the counters", () => {
  it('are taken out of the commits straight to PostgreSQL, and out of the rollbacks through a pooler', () => {
    const baseline = { committed: 100, rolledBack: 10 };
    const current = { committed: 160, rolledBack: 16 };
    const none = { committed: 0, rolledBack: 0 };
    assert.deepEqual(othersTransactions(baseline, current, 2, none), { committed: 54, rolledBack: 6 });
    assert.deepEqual(othersTransactions(baseline, current, 2, none, 'rolledBack'), {
      committed: 60,
      rolledBack: 0,
    });
  });
});
