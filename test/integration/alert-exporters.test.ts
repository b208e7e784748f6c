/**
 * The exporter rules read series by name; a name the exporter does not serve is a rule that never fires. Here a
 * real postgres_exporter (Debian's prometheus-postgres-exporter) scrapes a harness server, and every series a
 * postgres-exporter rule reads must be on its /metrics.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { alertGroups, metricsOf } from '../../src/core/alerts/rules.js';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../../src/core/guide.js';
import { freePort, PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { renderRulesYaml } from '../../src/report/prometheus-rules.js';

const POSTGRES_EXPORTER = '/usr/bin/prometheus-postgres-exporter';
const PROMETHEUS = '/usr/bin/prometheus';
// As root the exporter runs as nobody, as the harness's servers do: it needs no privilege.
const NOBODY: { uid?: number; gid?: number } = userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};

/** The series names on an exposition: every sample line's name, and every `# TYPE` line's. */
function seriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+)/.exec(line) ?? /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/** Starts an exporter (or Prometheus) on a free loopback port and waits until `readyPath` shows it is ready. */
async function startExporter(
  file: string,
  args: (port: number) => string[],
  env: Record<string, string>,
  ready: RegExp,
  readyPath = '/metrics',
): Promise<{
  child: ChildProcess;
  port: number;
  metrics: () => Promise<string>;
  stop: () => Promise<void>;
}> {
  const port = await freePort();
  const child = spawn(file, args(port), {
    ...NOBODY,
    env: { PATH: '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  const exited = once(child, 'exit');
  const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const readyText = async () => (await fetch(`http://127.0.0.1:${port}${readyPath}`)).text();
  let last = '';
  try {
    await waitFor(`${file} to serve /metrics`, async () => {
      if (child.exitCode !== null) throw new Error(`${file} exited (${child.exitCode}): ${log}`);
      last = await readyText().catch(() => '');
      return ready.test(last);
    });
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    child,
    port,
    metrics,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

const rules = alertGroups(['postgres-exporter'], {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
  longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
}).groups.flatMap((g) => g.rules);

for (const version of PG_VERSIONS) {
  describe(`postgres_exporter against PostgreSQL ${version}`, () => {
    let server: TestServer;
    let exporter: Awaited<ReturnType<typeof startExporter>>;
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
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: Awaited<ReturnType<typeof startExporter>>;
  let dir: string;
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
    dir = await mkdtemp(join(tmpdir(), 'pooltune-prometheus-'));
    // A threshold of 1ms: the open transaction is over it by the first evaluation.
    const { groups } = alertGroups(['postgres-exporter'], {
      idleInTransactionMs: 1,
      longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
      longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
    });
    await writeFile(join(dir, 'rules.yml'), renderRulesYaml(groups, []));
    await writeFile(
      join(dir, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yml')],
        scrape_configs: [
          { job_name: 'postgres', static_configs: [{ targets: [`127.0.0.1:${exporter.port}`] }] },
        ],
      }),
    );
    if (NOBODY.uid !== undefined && NOBODY.gid !== undefined) await chown(dir, NOBODY.uid, NOBODY.gid);
    prometheus = await startExporter(
      PROMETHEUS,
      (port) => [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {},
      /Ready/,
      '/-/ready',
    );
  });
  after(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    for (const client of clients) await client.end();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("raises both utilisation alerts and the idle-in-transaction one, with the exporter's labels", async () => {
    interface Alert {
      readonly labels: Readonly<Record<string, string>>;
      readonly annotations: Readonly<Record<string, string>>;
      readonly state: string;
    }
    let alerts: Alert[] = [];
    const raised = (name: string, severity: string) =>
      alerts.find((a) => a.labels.alertname === name && a.labels.severity === severity);
    await waitFor(
      'Prometheus to raise the alerts',
      async () => {
        const response = await fetch(`http://127.0.0.1:${prometheus.port}/api/v1/alerts`);
        alerts = ((await response.json()) as { data: { alerts: Alert[] } }).data.alerts;
        return (
          raised('PostgresSlotUtilisation', 'warning') !== undefined &&
          raised('PostgresSlotUtilisation', 'critical') !== undefined &&
          raised('PostgresIdleInTransaction', 'warning') !== undefined
        );
      },
      { timeoutMs: 60_000, everyMs: 250 },
    );
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
