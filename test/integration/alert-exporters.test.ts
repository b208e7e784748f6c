/**
 * The exporter rules read series by name; a name the exporter does not serve is a rule that never fires. Here a
 * real postgres_exporter (Debian's prometheus-postgres-exporter) scrapes a harness server, and every series a
 * postgres-exporter rule reads must be on its /metrics.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { alertGroups, metricsOf } from '../../src/core/alerts/rules.js';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../../src/core/guide.js';
import { freePort, PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const POSTGRES_EXPORTER = '/usr/bin/prometheus-postgres-exporter';
// As root the exporter runs as nobody, as the harness's servers do: it needs no privilege.
const NOBODY = userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};

/** The series names on an exposition: every sample line's name, and every `# TYPE` line's. */
function seriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+)/.exec(line) ?? /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/** Starts an exporter on a free loopback port and waits until /metrics shows it reached its target. */
async function startExporter(
  file: string,
  args: (port: number) => string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; metrics: () => Promise<string>; stop: () => Promise<void> }> {
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
  let last = '';
  try {
    await waitFor(`${file} to serve /metrics`, async () => {
      if (child.exitCode !== null) throw new Error(`${file} exited (${child.exitCode}): ${log}`);
      last = await metrics().catch(() => '');
      return ready.test(last);
    });
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    child,
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
