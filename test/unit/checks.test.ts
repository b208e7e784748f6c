import { hintsFor } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_SERVER_FAMILIES, runChecks, serverChecks } from '../../src/core/checks/index.js';
import { sessionSettingsFrom } from '../../src/core/sessions/settings.js';
import { roster, sessionRef } from '../helpers/sessions.js';
import { utilisationSeverity } from '../../src/core/guide.js';
import type { Finding } from '../../src/core/findings.js';
import { plan, serverFacts } from '../helpers/facts.js';

function check(...args: Parameters<typeof serverFacts>) {
  return (p = plan()) => runChecks([serverChecks], { server: { facts: serverFacts(...args), plan: p } });
}
const find = (findings: Finding[], id: string) => findings.find((f) => f.id === id);
const problems = (findings: Finding[]) =>
  findings.filter((f) => f.severity === 'warning' || f.severity === 'critical').map((f) => f.id);

describe('check-server checks over fixture facts', () => {
  it('a server configured as the guide advises has no warnings', () => {
    const { findings, skipped } = check()();
    assert.deepEqual(problems(findings), []);
    assert.deepEqual(
      skipped.map((s) => s.id),
      ['connection-memory'],
    );
  });

  it('places max_connections in the guide tiers', () => {
    const tier = (max: number) =>
      find(check({ settings: { max_connections: max } })().findings, 'connection-tier');
    assert.match(tier(40)?.title ?? '', /development tier/);
    assert.match(tier(80)?.title ?? '', /small production/);
    assert.match(tier(200)?.title ?? '', /medium production/);
    assert.equal(tier(500)?.severity, 'info');
    assert.deepEqual(hintsFor(tier(500)!), ['pgbouncer']);
    assert.equal(tier(10)?.severity, 'warning');
    assert.equal(tier(2000)?.severity, 'warning');
  });

  it('wants at least 3 superuser-reserved slots, fixed with a restart', () => {
    const f = find(
      check({ settings: { superuser_reserved_connections: 0 } })().findings,
      'superuser-reserved-connections',
    );
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.fix?.restart, true);
  });

  it('reports reserved_connections only where the server has it', () => {
    assert.ok(find(check({ version: 16 })().findings, 'reserved-connections'));
    assert.equal(find(check({ version: 15 })().findings, 'reserved-connections'), undefined);
  });

  it("judges slot usage with the guide's 70 / 85 % thresholds", () => {
    assert.deepEqual([69, 70, 85, 86].map(utilisationSeverity), ['ok', 'warning', 'warning', 'critical']);
    const busy = check({ activity: { clientBackends: 90 } })().findings;
    assert.equal(find(busy, 'slot-usage')?.severity, 'critical', '89 of 97');
  });

  it('expects timeouts by workload: none is fine for batch', () => {
    const noTimeouts = { settings: { statement_timeout: 0, idle_in_transaction_session_timeout: 0 } };
    const oltp = check(noTimeouts)().findings;
    assert.deepEqual(problems(oltp).sort(), [
      'idle-in-transaction-timeout-disabled',
      'statement-timeout-disabled',
    ]);
    const batch = check(noTimeouts)(
      plan({ workload: 'batch', workloadWantsStatementTimeout: false }),
    ).findings;
    assert.equal(find(batch, 'statement-timeout')?.severity, 'ok');
    const batchWithTimeout = check()(
      plan({ workload: 'batch', workloadWantsStatementTimeout: false }),
    ).findings;
    assert.equal(find(batchWithTimeout, 'statement-timeout-batch')?.severity, 'info');
  });

  it('flags idle_session_timeout behind a pooler, and ignores it before 14', () => {
    const set = { settings: { idle_session_timeout: 60_000 } };
    assert.equal(
      find(check(set)(plan({ behindPooler: true })).findings, 'idle-session-timeout-set')?.severity,
      'warning',
    );
    assert.equal(find(check(set)().findings, 'idle-session-timeout-set')?.severity, 'info');
  });

  it('warns about a large work_mem', () => {
    assert.equal(
      find(check({ settings: { work_mem: 131_072 } })().findings, 'work-mem-high')?.severity,
      'warning',
    );
  });

  it('judges the memory connections may claim against --server-memory', () => {
    const gb = 1024 ** 3;
    const claim = (memory: number) =>
      find(check()(plan({ serverMemoryBytes: memory })).findings, 'connection-memory')?.severity;
    // 100 × (10MB + 4MB) = 1400MB
    assert.deepEqual([claim(16 * gb), claim(1.6 * gb), claim(1 * gb)], ['ok', 'warning', 'critical']);
  });

  it('checks a planned fleet against usable slots and role limits', () => {
    const fleet = (poolMax: number, instances: number, extra = {}) =>
      check(extra)(plan({ poolMax, instances })).findings;
    assert.equal(find(fleet(50, 6), 'fleet-plan')?.severity, 'critical');
    assert.match(find(fleet(50, 6), 'fleet-plan')?.title ?? '', /203 missing/);
    assert.equal(find(fleet(19, 4), 'fleet-plan')?.severity, 'ok', '76 of 97');
    assert.equal(find(fleet(38, 2), 'fleet-plan')?.severity, 'ok', '76 of 97');
    assert.equal(find(fleet(40, 2), 'fleet-plan')?.severity, 'warning', '80 of 97 is above 80 %');
    const limited = fleet(10, 3, { roleLimits: [{ name: 'app', limit: 20 }] });
    assert.equal(find(limited, 'role-connection-limit')?.severity, 'critical');
    assert.deepEqual(find(limited, 'role-connection-limit')?.fix?.sql, [
      'ALTER ROLE "app" CONNECTION LIMIT 30;',
    ]);
  });

  it('turns what a role cannot see into a skipped check with the grant, not an ok', () => {
    const { findings, skipped } = check({ activity: { canSeeOthers: false } })();
    assert.equal(find(findings, 'connections-by-application'), undefined);
    assert.equal(skipped.find((s) => s.id === 'session-states')?.enableWith, 'GRANT pg_monitor TO "app";');
  });

  it('warns about sessions idle in a transaction for longer than 5 minutes, as idle-in-transaction-sessions', () => {
    const facts = serverFacts({ sessions: roster([sessionRef({ pid: 42, stateSeconds: 900 })]) });
    const { findings } = runChecks(CHECK_SERVER_FAMILIES, {
      server: { facts, plan: plan() },
      sessions: {
        role: facts.currentRole,
        roster: facts.sessions,
        settings: sessionSettingsFrom(facts),
        idleInTransactionId: 'idle-in-transaction-sessions',
      },
    });
    const f = find(findings, 'idle-in-transaction-sessions');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(
      f?.sessions?.map((s) => s.pid),
      [42],
    );
    // The server's timeout is the guide's 5min, so only ending the session is proposed.
    assert.deepEqual(f?.fix?.sql, ['SELECT pg_terminate_backend(42);']);
  });
});
