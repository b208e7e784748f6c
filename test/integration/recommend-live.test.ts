import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Finding } from '../../src/core/findings.js';
import { runCli } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';

// max_connections 10 less superuser_reserved_connections 3 (and reserved_connections 0 on 16+): 7 usable.
const MAX_CONNECTIONS = 10;
const USABLE = 7;

interface Report {
  findings: Finding[];
  recommendation: { fleet: { usableSlots: number; totalConnections: number } };
}

async function recommend(server: TestServer, ...extra: string[]) {
  const r = await runCli(['recommend', '--db', server.url(), '-w', 'oltp', '--json', ...extra]);
  const report = JSON.parse(r.stdout) as Report;
  return {
    code: r.code,
    stderr: r.stderr,
    report,
    held: report.findings.find((f) => f.id === 'slots-held-now'),
  };
}

for (const version of PG_VERSIONS) {
  describe(`recommend --db on a PostgreSQL ${version} whose slots other clients hold`, () => {
    let server: TestServer;
    const holders: pg.Client[] = [];
    const hold = async (n: number) => {
      while (holders.length < n) holders.push(await server.client());
    };
    const release = async () => {
      await Promise.all(holders.splice(0).map((c) => c.end()));
    };
    before(async () => {
      server = await startServer({ version, settings: { max_connections: MAX_CONNECTIONS } });
      await server.sql('CREATE ROLE app LOGIN');
    });
    after(async () => {
      await release();
      await server?.stop();
    });

    it('all ordinary slots taken: a critical finding says so and points at --account-for-others; exit per --fail-on', async () => {
      await hold(USABLE);
      try {
        // The server is really full for ordinary roles: only the reserved slots are left.
        const app = new pg.Client({ connectionString: server.url('app') });
        await assert.rejects(app.connect(), /remaining connection slots are reserved/);
        await app.end().catch(() => undefined);

        const r = await recommend(server);
        assert.equal(r.code, 1, r.stderr);
        assert.ok(r.held, 'a slots-held-now finding');
        assert.equal(r.held.severity, 'critical');
        assert.match(
          r.held.title,
          new RegExp(`^Other clients hold ${USABLE} of the ${USABLE} usable slots right now \\(100 %\\)`),
        );
        assert.match(r.held.title, /--account-for-others sizes within the free slots/);

        const never = await recommend(server, '--fail-on', 'never');
        assert.equal(never.code, 0, never.stderr);

        const text = await runCli(['recommend', '--db', server.url(), '-w', 'oltp', '--no-color']);
        assert.equal(text.code, 1, text.stderr);
        assert.match(text.stdout, /critical {2}Other clients hold 7 of the 7 usable slots right now/);
        assert.doesNotMatch(text.stdout, /^1 ok, 0 notes, 0 warnings, 0 critical/m);
      } finally {
        await release();
      }
    });

    it('some slots taken, the fleet wider than what is free: a warning, exit 0 unless --fail-on warning', async () => {
      await hold(4);
      try {
        // oltp's 50 capped at floor(7 × 0.8) = 5; 3 are free.
        const r = await recommend(server);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.report.recommendation.fleet.totalConnections, 5);
        assert.ok(r.held, 'a slots-held-now finding');
        assert.equal(r.held.severity, 'warning');
        assert.match(r.held.title, /hold 4 of the 7 usable slots right now \(57 %\), leaving 3 free/);
        const gated = await recommend(server, '--fail-on', 'warning');
        assert.equal(gated.code, 1, gated.stderr);
      } finally {
        await release();
      }
    });

    it('--account-for-others sizes within the free slots and needs no such warning', async () => {
      await hold(4);
      try {
        const r = await recommend(server, '--account-for-others');
        assert.equal(r.held, undefined);
        assert.equal(r.report.recommendation.fleet.usableSlots, USABLE - 4);
      } finally {
        await release();
      }
    });

    it('nobody else connected: no such finding', async () => {
      const r = await recommend(server);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.held, undefined);
    });
  });
}
