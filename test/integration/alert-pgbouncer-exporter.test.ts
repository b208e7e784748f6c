/**
 * The pgbouncer-exporter rules against the real prometheus-community pgbouncer_exporter (built from
 * test/vendor/pgbouncer_exporter, see test/helpers/pgbouncer-exporter.ts) in front of a real PgBouncer and
 * PostgreSQL 18: every series a rule reads must be on its /metrics, under that name and with the labels the
 * rules aggregate away, and a real Prometheus evaluating the rules over it raises the waiting-client alerts
 * while a client really waits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertGroups, metricsOf } from '../../src/core/alerts/rules.js';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../../src/core/guide.js';
import { renderRulesYaml } from '../../src/report/prometheus-rules.js';
import {
  seriesNames,
  startPrometheus,
  untilRaised,
  type TestExporter,
  type TestPrometheus,
} from '../helpers/exporters.js';
import { startFullPoolChain, type FullPoolChain } from '../helpers/full-pool.js';
import { EXPORTER_PGBOUNCER_SETTINGS, startPgBouncerExporter } from '../helpers/pgbouncer-exporter.js';
import { waitFor } from '../helpers/wait.js';

const { groups } = alertGroups(['pgbouncer-exporter'], {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
  longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
});
const rules = groups.flatMap((g) => g.rules);

describe('pgbouncer_exporter in front of a PgBouncer whose pool is full', () => {
  let chain: FullPoolChain | undefined;
  let exporter: TestExporter;
  let prometheus: TestPrometheus;
  before(async () => {
    // appdb's one server connection is held in a transaction; a second client queues behind it.
    chain = await startFullPoolChain(18, { ...EXPORTER_PGBOUNCER_SETTINGS });
    exporter = await startPgBouncerExporter(chain.bouncer);
    prometheus = await startPrometheus(
      renderRulesYaml(groups, []),
      'pgbouncer',
      `127.0.0.1:${exporter.port}`,
    );
  });
  after(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    await chain?.stop();
  });

  it('reads PgBouncer (pgbouncer_up 1) and serves every series the pgbouncer-exporter rules read', async () => {
    let exposition = '';
    await waitFor('pgbouncer_up 1', async () => {
      exposition = await exporter.metrics();
      return /^pgbouncer_up 1$/m.test(exposition);
    });
    const served = seriesNames(exposition);
    const used = [...new Set(rules.flatMap((rule) => metricsOf(rule)))];
    assert.ok(used.includes('pgbouncer_up') && used.length > 1, `rules read ${used.join(', ')}`);
    const missing = used.filter((name) => !served.has(name));
    assert.deepEqual(missing, [], `not on pgbouncer_exporter's /metrics: ${missing.join(', ')}`);
  });

  it('labels the pool series by database and user, which the rules aggregate away', async () => {
    let exposition = '';
    const waiting = /^pgbouncer_pools_client_waiting_connections\{([^}]*)\} (\d+)$/gm;
    const appdbWaits = () =>
      [...exposition.matchAll(waiting)].some(
        ([, labels, value]) =>
          /(^|,)database="appdb"(,|$)/.test(labels ?? '') &&
          /(^|,)user="postgres"(,|$)/.test(labels ?? '') &&
          Number(value) >= 1,
      );
    await waitFor('the waiting client on /metrics', async () => {
      exposition = await exporter.metrics();
      return appdbWaits();
    });
    assert.match(exposition, /^pgbouncer_pools_client_maxwait_seconds\{[^}]*database="appdb"[^}]*\} \d+$/m);
  });

  it('makes Prometheus raise the waiting-client alerts, per PgBouncer, and not the down one', async () => {
    // maxwait is in whole seconds: the warning (over 10ms) shows once the client has waited a second.
    const raised = await untilRaised(prometheus, [
      ['PgBouncerPoolerClientsWaiting', 'warning'],
      ['PgBouncerPoolerMaxWait', 'warning'],
    ]);
    for (const alert of [
      raised('PgBouncerPoolerClientsWaiting', 'warning'),
      raised('PgBouncerPoolerMaxWait', 'warning'),
    ]) {
      assert.equal(alert?.labels.instance, `127.0.0.1:${exporter.port}`);
      assert.equal(alert?.labels.job, 'pgbouncer');
      assert.ok(
        !('database' in (alert?.labels ?? {})) && !('user' in (alert?.labels ?? {})),
        'one per PgBouncer',
      );
    }
    assert.match(
      raised('PgBouncerPoolerClientsWaiting', 'warning')?.annotations.description ?? '',
      /^127\.0\.0\.1:\d+: 1 clients/,
    );
    assert.equal(raised('PgBouncerTargetDown', 'critical'), undefined);
  });
});
