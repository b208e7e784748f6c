/**
 * The rules `pooltune alerts` prints, checked by Prometheus's own promtool: `check rules` accepts every variant,
 * and `test rules` evaluates each source's rules over input series that stay under every threshold, cross the
 * warning ones, and cross the critical ones, asserting exactly which alerts fire with which labels and text.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli.js';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';

interface Rule {
  readonly alert: string;
  readonly labels: { readonly severity: string; readonly finding: string };
  readonly annotations: { readonly summary: string; readonly description: string; readonly fix: string };
}
interface RulesFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[];
}

/** An alert a scenario expects: its name, severity, the series' labels, and how the value reads in the text. */
interface Firing {
  readonly alert: string;
  readonly severity: 'warning' | 'critical';
  readonly value: string;
}
interface Scenario {
  readonly name: string;
  readonly series: Readonly<Record<string, string>>;
  readonly fires: readonly Firing[];
}

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'pooltune-alerts-'))));
after(async () => rm(dir, { recursive: true, force: true }));

async function rulesOf(args: readonly string[]): Promise<{ file: string; rules: RulesFile }> {
  const yaml = await runCli(['alerts', ...args]);
  assert.equal(yaml.code, 0, yaml.stderr);
  const json = await runCli(['alerts', ...args, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const file = join(dir, `rules-${args.join('_').replace(/[^\w-]/g, '') || 'all'}.yml`);
  await writeFile(file, yaml.stdout);
  return { file, rules: JSON.parse(json.stdout) as RulesFile };
}

/** The annotation as Prometheus expands it: labels filled in, the one `{{ $value … }}` as the scenario says. */
function expand(text: string, labels: Readonly<Record<string, string>>, value: string): string {
  return text
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_all, name: string) => labels[name] ?? '')
    .replace(/\{\{ \$value[^}]*\}\}/g, value);
}

/** promtool's unit-test file: every alert of the file evaluated at 10m, expecting exactly `fires`. */
function unitTest(
  rulesFile: string,
  rules: RulesFile,
  scenario: Scenario,
  alertLabels: Readonly<Record<string, string>>,
) {
  const all = rules.groups.flatMap((g) => g.rules);
  const names = [...new Set(all.map((r) => r.alert))];
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: names.map((alertname) => ({
          eval_time: '10m',
          alertname,
          exp_alerts: scenario.fires
            .filter((f) => f.alert === alertname)
            .map((f) => {
              const rule = all.find((r) => r.alert === f.alert && r.labels.severity === f.severity);
              assert.ok(rule, `${f.alert} at ${f.severity} is in the rules`);
              return {
                exp_labels: { ...alertLabels, ...rule.labels },
                exp_annotations: {
                  summary: rule.annotations.summary,
                  description: expand(rule.annotations.description, alertLabels, f.value),
                  fix: rule.annotations.fix,
                },
              };
            }),
        })),
      },
    ],
  };
}

async function promtoolTest(name: string, test: unknown): Promise<void> {
  // JSON is YAML: promtool reads it as its test file.
  const file = join(dir, `${name.replace(/\W+/g, '-')}.test.yml`);
  await writeFile(file, JSON.stringify(test));
  try {
    await run(PROMTOOL, ['test', 'rules', file]);
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    assert.fail(`promtool test rules failed for ${name}:\n${stdout}\n${stderr}`);
  }
}

describe('promtool check rules accepts every variant', () => {
  const variants: readonly (readonly string[])[] = [
    [],
    ['--source', 'pooltune'],
    ['--source', 'postgres-exporter'],
    ['--source', 'pgbouncer-exporter'],
    ['--source', 'postgres-exporter', '--source', 'pgbouncer-exporter'],
    ['--idle-in-transaction-threshold', '90s', '--long-query-threshold', '1min'],
  ];
  for (const args of variants) {
    it(`alerts ${args.join(' ') || '(all sources)'}`, async () => {
      const { file, rules } = await rulesOf(args);
      const { stdout } = await run(PROMTOOL, ['check', 'rules', file]);
      const count = rules.groups.reduce((sum, g) => sum + g.rules.length, 0);
      assert.match(stdout, new RegExp(`SUCCESS: ${count} rules found`));
      // The JSON form is a rules file too.
      const jsonFile = `${file}.json`;
      await writeFile(jsonFile, JSON.stringify(rules));
      await run(PROMTOOL, ['check', 'rules', jsonFile]);
    });
  }
});

const T = { target: 'db1' };
const P = 'target="db1"';
describe("promtool test rules: pooltune's own metrics", () => {
  const scenarios: Scenario[] = [
    {
      name: 'under every threshold',
      series: {
        [`pooltune_up{${P}}`]: '1x15',
        [`pooltune_slot_utilisation_ratio{${P}}`]: '0.69x15',
        [`pooltune_new_sessions_total{${P}}`]: '0+540x15',
        [`pooltune_idle_in_transaction_max_age_seconds{${P}}`]: '299x15',
        [`pooltune_longest_query_seconds{${P}}`]: '299x15',
        [`pooltune_longest_transaction_seconds{${P}}`]: '599x15',
        [`pooltune_longest_lock_wait_seconds{${P}}`]: '9x15',
        [`pooltune_pooler_clients_waiting{${P}}`]: '0x15',
        [`pooltune_pooler_max_wait_seconds{${P}}`]: '0.009x15',
        [`pooltune_pooler_client_wait_seconds_total{${P}}`]: '0+0.54x15',
        [`pooltune_pooler_checkouts_total{${P}}`]: '0+60x15',
      },
      fires: [],
    },
    {
      name: 'over the warning thresholds',
      series: {
        [`pooltune_up{${P}}`]: '1x15',
        [`pooltune_slot_utilisation_ratio{${P}}`]: '0.75x15',
        [`pooltune_new_sessions_total{${P}}`]: '0+720x15',
        [`pooltune_idle_in_transaction_max_age_seconds{${P}}`]: '400x15',
        [`pooltune_longest_query_seconds{${P}}`]: '400x15',
        [`pooltune_longest_transaction_seconds{${P}}`]: '700x15',
        [`pooltune_longest_lock_wait_seconds{${P}}`]: '20x15',
        [`pooltune_pooler_clients_waiting{${P}}`]: '3x15',
        [`pooltune_pooler_max_wait_seconds{${P}}`]: '2x15',
        [`pooltune_pooler_client_wait_seconds_total{${P}}`]: '0+1.2x15',
        [`pooltune_pooler_checkouts_total{${P}}`]: '0+60x15',
      },
      fires: [
        { alert: 'PooltuneSlotUtilisation', severity: 'warning', value: '75%' },
        { alert: 'PooltuneConnectionChurn', severity: 'warning', value: '12' },
        { alert: 'PooltuneIdleInTransaction', severity: 'warning', value: '6m 40s' },
        { alert: 'PooltuneLongQuery', severity: 'warning', value: '6m 40s' },
        { alert: 'PooltuneLongTransaction', severity: 'warning', value: '11m 40s' },
        { alert: 'PooltuneLockWait', severity: 'warning', value: '20s' },
        { alert: 'PooltunePoolerClientsWaiting', severity: 'warning', value: '3' },
        { alert: 'PooltunePoolerMaxWait', severity: 'warning', value: '2s' },
        { alert: 'PooltunePoolerAcquisitionWait', severity: 'warning', value: '20ms' },
      ],
    },
    {
      name: 'over the critical thresholds',
      series: {
        [`pooltune_up{${P}}`]: '0x15',
        [`pooltune_slot_utilisation_ratio{${P}}`]: '0.9x15',
        [`pooltune_longest_query_seconds{${P}}`]: '1900x15',
        [`pooltune_longest_transaction_seconds{${P}}`]: '3700x15',
        [`pooltune_longest_lock_wait_seconds{${P}}`]: '40x15',
        [`pooltune_pooler_max_wait_seconds{${P}}`]: '15x15',
      },
      fires: [
        { alert: 'PooltuneTargetDown', severity: 'critical', value: '0' },
        { alert: 'PooltuneSlotUtilisation', severity: 'warning', value: '90%' },
        { alert: 'PooltuneSlotUtilisation', severity: 'critical', value: '90%' },
        { alert: 'PooltuneLongQuery', severity: 'warning', value: '31m 40s' },
        { alert: 'PooltuneLongQuery', severity: 'critical', value: '31m 40s' },
        { alert: 'PooltuneLongTransaction', severity: 'warning', value: '1h 1m 40s' },
        { alert: 'PooltuneLongTransaction', severity: 'critical', value: '1h 1m 40s' },
        { alert: 'PooltuneLockWait', severity: 'warning', value: '40s' },
        { alert: 'PooltuneLockWait', severity: 'critical', value: '40s' },
        { alert: 'PooltunePoolerMaxWait', severity: 'warning', value: '15s' },
        { alert: 'PooltunePoolerMaxWait', severity: 'critical', value: '15s' },
      ],
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { file, rules } = await rulesOf(['--source', 'pooltune']);
      await promtoolTest(`pooltune ${scenario.name}`, unitTest(file, rules, scenario, T));
    });
  }

  it('takes the session thresholds from the flags', async () => {
    const { file, rules } = await rulesOf([
      '--source',
      'pooltune',
      '--idle-in-transaction-threshold',
      '2min',
      '--long-query-threshold',
      '1min',
    ]);
    const scenario: Scenario = {
      name: 'lower thresholds',
      series: {
        [`pooltune_idle_in_transaction_max_age_seconds{${P}}`]: '200x15',
        [`pooltune_longest_query_seconds{${P}}`]: '200x15',
      },
      // 200s is under the defaults (5min) but over 2min and 1min; 6 × 1min is 360s, not reached.
      fires: [
        { alert: 'PooltuneIdleInTransaction', severity: 'warning', value: '3m 20s' },
        { alert: 'PooltuneLongQuery', severity: 'warning', value: '3m 20s' },
      ],
    };
    await promtoolTest('pooltune lower thresholds', unitTest(file, rules, scenario, T));
  });
});

const PG = { instance: 'db:9187', job: 'postgres' };
const G = 'instance="db:9187",job="postgres"';
describe('promtool test rules: postgres_exporter', () => {
  const settings = (reserved: boolean) => ({
    [`pg_settings_max_connections{${G}}`]: '100x15',
    [`pg_settings_superuser_reserved_connections{${G}}`]: '3x15',
    // PostgreSQL 16+ has reserved_connections; before, the rules count it as 0.
    ...(reserved ? { [`pg_settings_reserved_connections{${G}}`]: '0x15' } : {}),
  });
  const sessions = (active: number, idle: number) => ({
    [`pg_stat_activity_count{${G},datname="app",state="active"}`]: `${active}x15`,
    [`pg_stat_activity_count{${G},datname="app",state="idle"}`]: `${idle}x15`,
    [`pg_stat_activity_count{${G},datname="app",state="disabled"}`]: '0x15',
  });
  const ages = (active: number, idleInTransaction: number) => ({
    [`pg_stat_activity_max_tx_duration{${G},datname="app",state="active"}`]: `${active}x15`,
    [`pg_stat_activity_max_tx_duration{${G},datname="app",state="idle"}`]: '0x15',
    [`pg_stat_activity_max_tx_duration{${G},datname="app",state="idle in transaction (aborted)"}`]: `${idleInTransaction}x15`,
  });
  // 97 usable slots: 67 clients are 69 %, 73 are 75.26 %, 90 are 92.78 %.
  const scenarios: Scenario[] = [
    {
      name: 'under every threshold',
      series: {
        [`pg_up{${G}}`]: '1x15',
        ...settings(true),
        ...sessions(7, 60),
        [`pg_stat_database_sessions{${G},datid="5",datname="app"}`]: '0+540x15',
        ...ages(299, 299),
      },
      fires: [],
    },
    {
      name: 'over the warning thresholds',
      series: {
        [`pg_up{${G}}`]: '1x15',
        ...settings(true),
        ...sessions(13, 60),
        [`pg_stat_database_sessions{${G},datid="5",datname="app"}`]: '0+720x15',
        ...ages(400, 700),
      },
      fires: [
        { alert: 'PostgresSlotUtilisation', severity: 'warning', value: '75.26%' },
        { alert: 'PostgresConnectionChurn', severity: 'warning', value: '12' },
        { alert: 'PostgresIdleInTransaction', severity: 'warning', value: '11m 40s' },
        { alert: 'PostgresLongQuery', severity: 'warning', value: '6m 40s' },
        { alert: 'PostgresLongTransaction', severity: 'warning', value: '11m 40s' },
      ],
    },
    {
      name: 'over the critical thresholds, on a server before 16',
      series: {
        [`pg_up{${G}}`]: '0x15',
        ...settings(false),
        ...sessions(30, 60),
        ...ages(1900, 3700),
      },
      fires: [
        { alert: 'PostgresTargetDown', severity: 'critical', value: '0' },
        { alert: 'PostgresSlotUtilisation', severity: 'warning', value: '92.78%' },
        { alert: 'PostgresSlotUtilisation', severity: 'critical', value: '92.78%' },
        { alert: 'PostgresIdleInTransaction', severity: 'warning', value: '1h 1m 40s' },
        { alert: 'PostgresLongQuery', severity: 'warning', value: '31m 40s' },
        { alert: 'PostgresLongQuery', severity: 'critical', value: '31m 40s' },
        { alert: 'PostgresLongTransaction', severity: 'warning', value: '1h 1m 40s' },
        { alert: 'PostgresLongTransaction', severity: 'critical', value: '1h 1m 40s' },
      ],
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { file, rules } = await rulesOf(['--source', 'postgres-exporter']);
      await promtoolTest(`postgres ${scenario.name}`, unitTest(file, rules, scenario, PG));
    });
  }
});

const B = { instance: 'bouncer:9127', job: 'pgbouncer' };
const L = 'instance="bouncer:9127",job="pgbouncer"';
describe('promtool test rules: pgbouncer_exporter', () => {
  const pools = (waiting: number, maxWait: number) => ({
    [`pgbouncer_pools_client_waiting_connections{${L},database="app",user="app"}`]: `${waiting}x15`,
    [`pgbouncer_pools_client_waiting_connections{${L},database="pgbouncer",user="pgbouncer"}`]: '0x15',
    [`pgbouncer_pools_client_maxwait_seconds{${L},database="app",user="app"}`]: `${maxWait}x15`,
    [`pgbouncer_pools_client_maxwait_seconds{${L},database="pgbouncer",user="pgbouncer"}`]: '0x15',
  });
  const scenarios: Scenario[] = [
    { name: 'no client waits', series: { [`pgbouncer_up{${L}}`]: '1x15', ...pools(0, 0) }, fires: [] },
    {
      name: 'clients wait',
      series: { [`pgbouncer_up{${L}}`]: '1x15', ...pools(3, 2) },
      fires: [
        { alert: 'PgBouncerPoolerClientsWaiting', severity: 'warning', value: '3' },
        { alert: 'PgBouncerPoolerMaxWait', severity: 'warning', value: '2s' },
      ],
    },
    {
      name: 'clients wait past the interactive limit, exporter down',
      series: { [`pgbouncer_up{${L}}`]: '0x15', ...pools(5, 15) },
      fires: [
        { alert: 'PgBouncerTargetDown', severity: 'critical', value: '0' },
        { alert: 'PgBouncerPoolerClientsWaiting', severity: 'warning', value: '5' },
        { alert: 'PgBouncerPoolerMaxWait', severity: 'warning', value: '15s' },
        { alert: 'PgBouncerPoolerMaxWait', severity: 'critical', value: '15s' },
      ],
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { file, rules } = await rulesOf(['--source', 'pgbouncer-exporter']);
      await promtoolTest(`pgbouncer ${scenario.name}`, unitTest(file, rules, scenario, B));
    });
  }
});
