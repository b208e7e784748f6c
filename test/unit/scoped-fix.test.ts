import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteIdentifier, scopedSettingFix } from '../../src/core/checks/fix.js';
import { runChecks, serverChecks } from '../../src/core/checks/index.js';
import type { Finding, FindingId } from '../../src/core/findings.js';
import { plan, serverFacts } from '../helpers/facts.js';

const findingOf = (facts: ReturnType<typeof serverFacts>, id: FindingId, behindPooler = false): Finding => {
  const found = runChecks([serverChecks], { server: { facts, plan: plan({ behindPooler }) } }).findings.find(
    (f) => f.id === id,
  );
  assert.ok(found, id);
  return found;
};

describe('a per-session setting fixed where it belongs (issue 13, point 4.17)', () => {
  it("sets statement_timeout for the application's role first, the database next, ALTER SYSTEM last", () => {
    const f = findingOf(serverFacts({ settings: { statement_timeout: 0 } }), 'statement-timeout-disabled');
    assert.deepEqual(f.fix?.sql, [
      `ALTER ROLE "app" SET statement_timeout = '30s';`,
      `-- or, for the whole database: ALTER DATABASE "orders" SET statement_timeout = '30s';`,
      `-- or, server-wide, for every role: ALTER SYSTEM SET statement_timeout = '30s'; SELECT pg_reload_conf();`,
    ]);
    assert.equal(f.fix?.newSessions, true);
    assert.ok(!f.fix?.reload && !f.fix?.restart, 'ALTER ROLE needs no reload');
    // The finding says why the role comes first.
    assert.match(
      f.expected ?? '',
      /application's role or database; server-wide it would also cancel migrations/,
    );
  });

  it('proposes the same for a statement_timeout far above the guide', () => {
    const f = findingOf(
      serverFacts({ settings: { statement_timeout: 3_600_000 } }),
      'statement-timeout-long',
    );
    assert.match(f.fix?.sql?.[0] ?? '', /^ALTER ROLE "app" SET statement_timeout = '30s';$/);
  });

  it('does not aim ALTER ROLE at a superuser pooltune connected as: the database comes first', () => {
    const facts = serverFacts({
      settings: { statement_timeout: 0 },
      currentRole: 'postgres',
      isSuperuser: true,
    });
    const sql = findingOf(facts, 'statement-timeout-disabled').fix?.sql ?? [];
    assert.equal(sql[0], `ALTER DATABASE "orders" SET statement_timeout = '30s';`);
    assert.ok(
      sql.every((line) => !line.includes('ALTER ROLE "postgres"')),
      sql.join('\n'),
    );
    assert.match(sql[1] ?? '', /^-- or, for the application's role only: ALTER ROLE <application role>/);
  });

  it("turns idle_session_timeout off for the pool's role, leaving it to other roles' sessions", () => {
    const f = findingOf(
      serverFacts({ settings: { idle_session_timeout: 60_000 } }),
      'idle-session-timeout-set',
      true,
    );
    assert.equal(f.fix?.sql?.[0], 'ALTER ROLE "app" SET idle_session_timeout = 0;');
    assert.match(
      f.fix?.sql?.[2] ?? '',
      /ALTER SYSTEM SET idle_session_timeout = 0; SELECT pg_reload_conf\(\);$/,
    );
  });

  it('quotes role and database names that need it, so that the statement is valid SQL', () => {
    assert.equal(quoteIdentifier('app'), '"app"');
    assert.equal(quoteIdentifier('my-app'), '"my-app"');
    assert.equal(quoteIdentifier('we"ird'), '"we""ird"');
    assert.equal(quoteIdentifier('Mixed Case'), '"Mixed Case"');
    const facts = serverFacts({ currentRole: 'my-app', currentDatabase: 'o"rders' });
    const sql = scopedSettingFix(facts, 'statement_timeout', "3'0s").sql ?? [];
    assert.equal(sql[0], `ALTER ROLE "my-app" SET statement_timeout = '3''0s';`);
    assert.match(sql[1] ?? '', /ALTER DATABASE "o""rders" SET statement_timeout = '3''0s';$/);
    // Every alternative is a comment, so the fix runs as printed and sets the value once.
    assert.ok(sql.slice(1).every((line) => line.startsWith('-- ')));
  });
});
