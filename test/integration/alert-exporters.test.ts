/**
 * The exporter rules read series by name; a name the exporter does not serve is a rule that never fires. Here a
 * real postgres_exporter (Debian's prometheus-postgres-exporter) scrapes a harness server, and every series a
 * postgres-exporter rule reads must be on its /metrics.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { alertGroups, metricsOf } from '../../src/core/alerts/rules.js';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../../src/core/guide.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import {
  seriesNames,
  startExporter,
  startPrometheus,
  untilRaised,
  type TestExporter,
  type TestPrometheus,
} from '../helpers/exporters.js';
import { renderRulesYaml } from '../../src/report/prometheus-rules.js';

const POSTGRES_EXPORTER = '/usr/bin/prometheus-postgres-exporter';

const rules = alertGroups(['postgres-exporter'], {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
  longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
}).groups.flatMap((g) => g.rules);

for (const version of PG_VERSIONS) {
  describe(`postgres_exporter against PostgreSQL ${version}`, () => {
    let server: TestServer;
    let exporter: TestExporter;
    before(async () => {
      server = await startServer({ version });
      exporter = await startExporter(
        POSTGRES_EXPORTER,
        (port) => [`--web.listen-address=127.0.0.1:${port}`],
        { DATA_SOURCE_NAME: `${server.url('postgres', 'postgres')}?sslmode=disable` },
        /^pg_up(\{[^}]*\})? 1$/m,
      );
    });
    after(async () => {
      await exporter?.stop();
      await server?.stop();
    });

    it('serves every series the postgres-exporter rules read', async () => {
      const served = seriesNames(await exporter.metrics());
      // reserved_connections is PostgreSQL 16's; before it the rules count it as 0 (`or … * 0`).
      const optional = version < 16 ? new Set(['pg_settings_reserved_connections']) : new Set<string>();
      const used = [...new Set(rules.flatMap((rule) => metricsOf(rule)))];
      assert.ok(used.length > 0);
      const missing = used.filter((name) => !served.has(name) && !optional.has(name));
      assert.deepEqual(missing, [], `not on postgres_exporter's /metrics: ${missing.join(', ')}`);
      for (const name of optional) assert.ok(!served.has(name), `${name} appeared on PostgreSQL ${version}`);
    });

    it('labels the session series by the state the rules select', async () => {
      const exposition = await exporter.metrics();
      for (const state of ['active', 'idle in transaction'])
        assert.match(
          exposition,
          new RegExp(`^pg_stat_activity_max_tx_duration\\{[^}]*state="${state}"`, 'm'),
        );
    });
  });
}

/**
 * The rules at work: a real Prometheus scrapes the real exporter in front of a server whose slots are nearly
 * all taken and where a session sits idle in a transaction, evaluates the rules file, and reports the alerts
 * (pending: the rules' `for` is minutes) with the exporter's own labels, so the rules' label matching
 * (sessions against pg_settings_*) holds on real series, not only on promtool's hand-written ones.
 */
describe('Prometheus evaluates the postgres-exporter rules over the real exporter', () => {
  let server: TestServer;
  let exporter: TestExporter;
  let prometheus: TestPrometheus;
  const clients: pg.Client[] = [];
  before(async () => {
    // 10 slots, 3 reserved for superusers: 7 usable, of which the 6 sessions below and the exporter's take all.
    server = await startServer({ version: 18, settings: { max_connections: 10 } });
    for (let i = 0; i < 6; i++) clients.push(await server.client());
    await clients[0]?.query('BEGIN');
    await clients[0]?.query('SELECT 1');
    exporter = await startExporter(
      POSTGRES_EXPORTER,
      (port) => [`--web.listen-address=127.0.0.1:${port}`],
      { DATA_SOURCE_NAME: `${server.url('postgres', 'postgres')}?sslmode=disable` },
      /^pg_up(\{[^}]*\})? 1$/m,
    );
    // A threshold of 1ms: the open transaction is over it by the first evaluation.
    const { groups } = alertGroups(['postgres-exporter'], {
      idleInTransactionMs: 1,
      longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
      longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
    });
    prometheus = await startPrometheus(renderRulesYaml(groups, []), 'postgres', `127.0.0.1:${exporter.port}`);
  });
  after(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    for (const client of clients) await client.end();
    await server?.stop();
  });

  it("raises both utilisation alerts and the idle-in-transaction one, with the exporter's labels", async () => {
    const raised = await untilRaised(prometheus, [
      ['PostgresSlotUtilisation', 'warning'],
      ['PostgresSlotUtilisation', 'critical'],
      ['PostgresIdleInTransaction', 'warning'],
    ]);
    const utilisation = raised('PostgresSlotUtilisation', 'critical');
    assert.equal(utilisation?.labels.instance, `127.0.0.1:${exporter.port}`);
    assert.equal(utilisation?.labels.job, 'postgres');
    assert.ok(!('datname' in (utilisation?.labels ?? {})), 'summed over the databases');
    // At least the 6 sessions and the exporter's of 7 usable slots (superusers may go past them).
    const percent = Number(
      /take ([\d.]+)% of the slots/.exec(utilisation?.annotations.description ?? '')?.[1],
    );
    assert.ok(percent >= 600 / 7, `utilisation ${percent}%`);
    assert.equal(raised('PostgresTargetDown', 'critical'), undefined);
  });
});
