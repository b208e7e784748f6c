import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GUIDE_CHECK_SETTINGS, limitsOf } from '../../src/core/checks/index.js';
import type { Finding } from '../../src/core/findings.js';
import { queryForReport } from '../../src/core/sessions/query-text.js';
import {
  lockWaitSeverity,
  sessionFindings,
  sessionsBehind,
  type SessionSettings,
} from '../../src/core/sessions/judge.js';
import { formatAge } from '../../src/core/units.js';
import { findingsText } from '../../src/report/formats/text-findings.js';
import { sessionLine } from '../../src/report/formats/finding-parts.js';
import { plainStyle } from '../../src/report/style.js';
import { runInProcess } from '../helpers/in-process.js';
import { roster, sessionRef } from '../helpers/sessions.js';

const limits = limitsOf(GUIDE_CHECK_SETTINGS);
const off: SessionSettings = {
  idleInTransactionTimeoutMs: 0,
  statementTimeoutMs: 0,
  lockTimeoutMs: 0,
  hasTransactionTimeout: true,
};
const judge = (sessions: Parameters<typeof roster>[0], settings = off, canSeeOthers = true) =>
  sessionFindings(roster(sessions, canSeeOthers), limits, settings, {
    idleInTransactionId: 'idle-in-transaction',
  });
const find = (findings: Finding[], id: string) => findings.find((f) => f.id === id);
const active = (pid: number, querySeconds: number, extra = {}) =>
  sessionRef({
    pid,
    state: 'active',
    querySeconds,
    transactionSeconds: querySeconds,
    stateSeconds: querySeconds,
    waitEvent: null,
    ...extra,
  });

describe('long-running queries', () => {
  it('are reported above the threshold (5min by default), critical above 6× it', () => {
    assert.equal(
      find(judge([active(1, 300)]), 'long-running-queries'),
      undefined,
      'at the threshold: not above it',
    );
    assert.equal(find(judge([active(1, 301)]), 'long-running-queries')?.severity, 'warning');
    assert.equal(find(judge([active(1, 1800)]), 'long-running-queries')?.severity, 'warning');
    assert.equal(find(judge([active(1, 1801)]), 'long-running-queries')?.severity, 'critical');
  });

  it('follow the threshold the user set', () => {
    const low = { ...limits, longQueryMs: 1000 };
    const found = sessionFindings(roster([active(1, 2)]), low, off, {
      idleInTransactionId: 'idle-in-transaction',
    });
    assert.match(
      find(found, 'long-running-queries')?.title ?? '',
      /^1 query has been running for longer than 1s, the longest for 2s$/,
    );
    assert.equal(
      find(
        sessionFindings(roster([active(1, 7)]), low, off, { idleInTransactionId: 'idle-in-transaction' }),
        'long-running-queries',
      )?.severity,
      'critical',
    );
  });

  it("only count active sessions: an idle session's last query is not running", () => {
    const idle = sessionRef({ pid: 1, state: 'idle', querySeconds: 4000, transactionSeconds: null });
    assert.equal(find(judge([idle]), 'long-running-queries'), undefined);
  });

  it('print the cancel for each session and a per-role statement_timeout, never ALTER SYSTEM', () => {
    const f = find(
      judge([active(7, 400, { role: 'Report Writer' }), active(8, 500)]),
      'long-running-queries',
    );
    assert.deepEqual(f?.fix?.sql, [
      'SELECT pg_cancel_backend(8);',
      'SELECT pg_cancel_backend(7);',
      `ALTER ROLE "Report Writer" SET statement_timeout = '5min';`,
      `ALTER ROLE "app" SET statement_timeout = '5min';`,
    ]);
    const withTimeout = find(
      judge([active(8, 500)], { ...off, statementTimeoutMs: 30_000 }),
      'long-running-queries',
    );
    assert.deepEqual(withTimeout?.fix?.sql, ['SELECT pg_cancel_backend(8);']);
  });
});

describe('long transactions', () => {
  it('are reported above 10min by default, critical above 6× it, and end by terminating', () => {
    const tx = (pid: number, seconds: number) =>
      sessionRef({ pid, transactionSeconds: seconds, stateSeconds: 1 });
    assert.equal(find(judge([tx(1, 600)]), 'long-transactions'), undefined);
    const f = find(judge([tx(1, 601)]), 'long-transactions');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.title ?? '', /it holds its locks and keeps vacuum from removing dead rows/);
    assert.deepEqual(f?.fix?.sql, [
      'SELECT pg_terminate_backend(1);',
      `ALTER ROLE "app" SET transaction_timeout = '10min';`,
    ]);
    assert.equal(find(judge([tx(1, 3601)]), 'long-transactions')?.severity, 'critical');
    const before17 = find(judge([tx(1, 700)], { ...off, hasTransactionTimeout: false }), 'long-transactions');
    assert.deepEqual(before17?.fix?.sql, ['SELECT pg_terminate_backend(1);']);
  });
});

describe('lock waits', () => {
  const waiting = (pid: number, lockWaitSeconds: number | null, blockedBy = [3]) =>
    sessionRef({
      pid,
      state: 'active',
      waitEvent: 'Lock:transactionid',
      waitingOnLock: true,
      lockWaitSeconds,
      blockedBy,
    });

  it('are judged by how long the longest has lasted: info, warning above 10s, critical above 30s', () => {
    assert.equal(lockWaitSeverity(10), 'info');
    assert.equal(lockWaitSeverity(10.1), 'warning');
    assert.equal(lockWaitSeverity(30.1), 'critical');
    assert.equal(lockWaitSeverity(null), 'warning');
    assert.equal(find(judge([waiting(1, 2), waiting(2, 45)]), 'lock-waits')?.severity, 'critical');
  });

  it('name the blockers and end them: cancel a running blocker, terminate an idle one', () => {
    const blockerIdle = sessionRef({ pid: 3, stateSeconds: 5, transactionSeconds: 5 });
    const blockerActive = active(4, 5);
    const f = find(
      judge([waiting(1, 12, [3]), waiting(2, 11, [4]), blockerIdle, blockerActive]),
      'lock-waits',
    );
    assert.match(
      f?.title ?? '',
      /^2 sessions are waiting on a lock, the longest for 12s, blocked by pids 3, 4, holding/,
    );
    assert.deepEqual(f?.fix?.sql, [
      'SELECT pg_terminate_backend(3);',
      'SELECT pg_cancel_backend(4);',
      `ALTER ROLE "app" SET lock_timeout = '10s';`,
    ]);
  });

  it("are seen without the privilege: other roles' hidden fields stay unknown, never invented", () => {
    const hidden = sessionRef({
      pid: 9,
      role: 'etl',
      application: 'loader',
      clientAddress: null,
      state: null,
      transactionSeconds: null,
      querySeconds: null,
      stateSeconds: null,
      waitEvent: null,
      waitingOnLock: true,
      lockWaitSeconds: 20,
      blockedBy: [3],
    });
    const f = find(judge([hidden], off, false), 'lock-waits');
    assert.equal(f?.severity, 'warning');
    assert.equal(
      sessionLine(hidden),
      'pid 9, role etl, application "loader": state hidden from this role, lock wait 20s, blocked by pid 3',
    );
  });

  it('of unknown length (before PostgreSQL 14) say so', () => {
    const f = find(judge([waiting(1, null)]), 'lock-waits');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.title ?? '', /for an unknown time/);
  });
});

describe('idle in transaction', () => {
  it('uses the time in that state, above the threshold, and skips a per-role timeout the server already has', () => {
    const s = (pid: number, stateSeconds: number) => sessionRef({ pid, stateSeconds });
    assert.equal(find(judge([s(1, 300)]), 'idle-in-transaction'), undefined);
    const f = find(
      judge([s(1, 301)], { ...off, idleInTransactionTimeoutMs: 300_000 }),
      'idle-in-transaction',
    );
    assert.deepEqual(f?.fix?.sql, ['SELECT pg_terminate_backend(1);']);
    assert.match(f?.title ?? '', /idle_in_transaction_session_timeout is 5min$/);
  });
});

describe('the sessions behind a finding', () => {
  const many = [61, 900, 400, 700, 800, 650, 500].map((age, i) =>
    sessionRef({ pid: 100 + i, stateSeconds: age }),
  );

  it('are ordered worst first, ties by pid', () => {
    const ordered = sessionsBehind(
      'idle-in-transaction',
      roster([...many, sessionRef({ pid: 1, stateSeconds: 700 })]),
      {
        ...limits,
        idleInTransactionMs: 60_000,
      },
    );
    assert.deepEqual(
      ordered.map((s) => s.pid),
      [101, 104, 1, 103, 105, 106, 102, 100],
    );
  });

  it('text shows the worst 5 and counts the rest; the finding keeps them all (for JSON)', () => {
    const [f] = sessionFindings(roster(many), { ...limits, idleInTransactionMs: 60_000 }, off, {
      idleInTransactionId: 'idle-in-transaction',
    });
    assert.equal(f?.sessions?.length, 7);
    const text = findingsText(f ? [f] : [], [], plainStyle, 200).join('\n');
    const shown = [...text.matchAll(/session: pid (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(shown, [101, 104, 103, 105, 106]);
    assert.match(text, /… and 2 more sessions \(all of them in --format json\)/);
    assert.equal(f?.fix?.sql?.filter((q) => q.startsWith('SELECT pg_terminate_backend')).length, 5);
  });

  it('show their query only when it was read, on one line, with passwords masked', () => {
    const withQuery = sessionRef({ pid: 5, stateSeconds: 400, query: 'select 1' });
    const text = findingsText(judge([withQuery]), [], plainStyle, 200).join('\n');
    assert.match(text, /query: select 1/);
    assert.doesNotMatch(
      findingsText(judge([sessionRef({ pid: 5, stateSeconds: 400 })]), [], plainStyle, 200).join('\n'),
      /query:/,
    );
  });
});

describe('query text', () => {
  it('is cut to one line and short', () => {
    assert.equal(
      queryForReport('select *\n  from orders\n\twhere id = 1\n'),
      'select * from orders where id = 1',
    );
    const long = queryForReport(`select ${'x, '.repeat(200)}1`);
    assert.equal(long?.length, 200);
    assert.ok(long?.endsWith('…'));
    assert.equal(queryForReport(null), null);
  });

  it('has passwords masked: role passwords, conninfo and URLs', () => {
    assert.equal(
      queryForReport("ALTER ROLE app WITH PASSWORD 'hunter2' VALID UNTIL 'infinity'"),
      "ALTER ROLE app WITH PASSWORD '********' VALID UNTIL 'infinity'",
    );
    assert.equal(queryForReport("create role x password 'it''s'"), "create role x password '********'");
    assert.equal(
      queryForReport("select dblink_connect('host=db user=u password=s3cret dbname=x')"),
      "select dblink_connect('host=db user=u password=******** dbname=x')",
    );
    assert.equal(
      queryForReport("select dblink('postgres://u:s3cret@db/x', 'select 1')"),
      "select dblink('postgres://u:********@db/x', 'select 1')",
    );
  });
});

describe('ages', () => {
  it('read as a person would say them', () => {
    assert.deepEqual([0.04, 4.25, 42, 754, 3600, 7500, 90_000].map(formatAge), [
      '0s',
      '4.3s',
      '42s',
      '12min 34s',
      '1h',
      '2h 5min',
      '1d 1h',
    ]);
  });

  it('role names in the fixes are always quoted, so that keywords and odd names stay valid SQL', () => {
    const idle = (pid: number, role: string) =>
      sessionRef({ pid, role, state: 'idle in transaction', stateSeconds: 400, transactionSeconds: 400 });
    const f = find(judge([idle(901, 'user'), idle(902, 'a"b')]), 'idle-in-transaction');
    assert.deepEqual(
      f?.fix?.sql?.filter((l) => l.startsWith('ALTER ROLE')),
      [
        `ALTER ROLE "a""b" SET idle_in_transaction_session_timeout = '5min';`,
        `ALTER ROLE "user" SET idle_in_transaction_session_timeout = '5min';`,
      ],
    );
  });
});

describe('the session flags', () => {
  it('refuse a nonsense threshold with one line and exit 2, before connecting', async () => {
    for (const [command, flag, value] of [
      ['check-server', '--long-query-threshold', 'soon'],
      ['health', '--long-transaction-threshold', '0'],
      ['monitor', '--idle-in-transaction-threshold', '-5s'],
    ] as const) {
      const r = await runInProcess([command, flag, value, '--db', 'postgres://nobody@127.0.0.1:1/x']);
      assert.equal(r.code, 2, `${command} ${flag} ${value}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag} <duration>' argument '${value}' is invalid`));
    }
  });
});
