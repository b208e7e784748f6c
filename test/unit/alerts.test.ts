import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALERT_SOURCES, alertGroups, metricsOf, type AlertThresholds } from '../../src/core/alerts/rules.js';
import { isFindingId } from '../../src/core/finding-ids.js';
import {
  ACQUISITION_POOR_MS,
  CHURN_PER_SECOND_LIMIT,
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
  LOCK_WAIT_CRITICAL_MS,
  LOCK_WAIT_WARNING_MS,
  LONG_SESSION_CRITICAL_FACTOR,
  UTILISATION_CRITICAL_PERCENT,
  UTILISATION_WARNING_PERCENT,
} from '../../src/core/guide.js';
import { POOLTUNE_METRICS } from '../../src/core/metrics/names.js';
import { renderRulesYaml } from '../../src/report/prometheus-rules.js';

const DEFAULTS: AlertThresholds = {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
  longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
};

const rulesOf = (source: (typeof ALERT_SOURCES)[number], thresholds = DEFAULTS) =>
  alertGroups([source], thresholds).groups[0]?.rules ?? [];
/** The number an expression compares against: its last token. */
const limitOf = (expr: string) => Number(expr.split(' ').at(-1));

describe('alert rules', () => {
  it("state the guide's thresholds, taken from core/guide.ts", () => {
    const rules = rulesOf('pooltune');
    const limit = (alert: string, severity: string) =>
      limitOf(rules.find((r) => r.alert === alert && r.severity === severity)?.expr ?? '');
    assert.equal(limit('PooltuneSlotUtilisation', 'warning'), UTILISATION_WARNING_PERCENT / 100);
    assert.equal(limit('PooltuneSlotUtilisation', 'critical'), UTILISATION_CRITICAL_PERCENT / 100);
    assert.equal(limit('PooltuneConnectionChurn', 'warning'), CHURN_PER_SECOND_LIMIT);
    assert.equal(
      limit('PooltuneIdleInTransaction', 'warning'),
      DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS / 1000,
    );
    assert.equal(limit('PooltuneLongQuery', 'warning'), DEFAULT_LONG_QUERY_THRESHOLD_MS / 1000);
    assert.equal(
      limit('PooltuneLongQuery', 'critical'),
      (DEFAULT_LONG_QUERY_THRESHOLD_MS * LONG_SESSION_CRITICAL_FACTOR) / 1000,
    );
    assert.equal(limit('PooltuneLockWait', 'warning'), LOCK_WAIT_WARNING_MS / 1000);
    assert.equal(limit('PooltuneLockWait', 'critical'), LOCK_WAIT_CRITICAL_MS / 1000);
    assert.equal(limit('PooltunePoolerMaxWait', 'warning'), ACQUISITION_POOR_MS / 1000);
  });

  it('follow the session threshold flags', () => {
    const rules = rulesOf('postgres-exporter', {
      idleInTransactionMs: 90_000,
      longQueryMs: 60_000,
      longTransactionMs: 120_000,
    });
    const idle = rules.find((r) => r.alert === 'PostgresIdleInTransaction');
    assert.equal(limitOf(idle?.expr ?? ''), 90);
    const query = rules.filter((r) => r.alert === 'PostgresLongQuery').map((r) => limitOf(r.expr));
    assert.deepEqual(query, [60, 60 * LONG_SESSION_CRITICAL_FACTOR]);
  });

  it("read only pooltune's own series for --source pooltune, each labelled by target", () => {
    const names = new Set<string>(Object.values(POOLTUNE_METRICS));
    for (const rule of rulesOf('pooltune'))
      for (const metric of metricsOf(rule)) assert.ok(names.has(metric), `${rule.alert} reads ${metric}`);
    for (const rule of rulesOf('pooltune')) assert.match(rule.description, /\{\{ \$labels\.target \}\}/);
  });

  it('give every rule a known finding id, a summary, a value in the description and a fix', () => {
    for (const source of ALERT_SOURCES) {
      for (const rule of rulesOf(source)) {
        assert.ok(isFindingId(rule.finding), rule.finding);
        assert.ok(rule.summary.length > 0 && rule.fix.length > 0, rule.alert);
        if (!rule.alert.endsWith('TargetDown')) assert.match(rule.description, /\{\{ \$value/, rule.alert);
      }
    }
  });

  it('drop the rules of a finding the plan ignores, but not for an ignore that names a service', () => {
    const { groups, dropped } = alertGroups(['pooltune', 'postgres-exporter'], DEFAULTS, [
      { id: 'long-running-queries', reason: 'reports run for hours' },
      { id: 'lock-waits', service: 'api', reason: 'api only' },
    ]);
    for (const group of groups) assert.ok(!group.rules.some((r) => r.finding === 'long-running-queries'));
    assert.ok(groups[0]?.rules.some((r) => r.finding === 'lock-waits'));
    assert.deepEqual(
      dropped.map((d) => d.alert),
      ['PooltuneLongQuery', 'PostgresLongQuery'],
    );
  });

  it("drop a rule for check-server's id of the same judgement too", () => {
    const { groups, dropped } = alertGroups(['postgres-exporter'], DEFAULTS, [
      { id: 'slot-usage', reason: 'a shared server' },
      { id: 'idle-in-transaction-sessions', reason: 'batch' },
    ]);
    const alerts = groups[0]?.rules.map((r) => r.alert) ?? [];
    assert.ok(!alerts.includes('PostgresSlotUtilisation') && !alerts.includes('PostgresIdleInTransaction'));
    assert.deepEqual(
      dropped.map((d) => d.finding),
      ['slot-usage', 'idle-in-transaction-sessions'],
    );
  });

  it('keep a hostile ignore reason inside comments of the rules file', () => {
    const { groups, dropped } = alertGroups(['pgbouncer-exporter'], DEFAULTS, [
      { id: 'pooler-clients-waiting', reason: 'x' },
    ]);
    assert.equal(groups[0]?.rules.length, 1); // only the up rule is left
    const yaml = renderRulesYaml(groups, [`Left out ${dropped[0]?.alert}: reason\ngroups: []\r- name: x`]);
    for (const line of yaml.split('\n').filter((l) => l !== '')) assert.match(line, /^(#|groups:$|\s+)/);
    assert.equal(yaml.match(/^groups:/gm)?.length, 1);
  });

  it('write strings the YAML cannot misread', () => {
    const yaml = renderRulesYaml(alertGroups(['postgres-exporter'], DEFAULTS).groups, []);
    assert.match(
      yaml,
      /expr: "max without \(.*\) \(pg_stat_activity_max_tx_duration\{state=~\\"active\\"\}\) > 300"/,
    );
  });
});
