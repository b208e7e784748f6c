/**
 * Running a Prometheus exporter, and Prometheus itself over it, for the alert-rule tests: on a free loopback port, as
 * `nobody` when the tests run as root (it needs no privilege), until `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres.js';
import { waitFor } from './wait.js';

const PROMETHEUS = '/usr/bin/prometheus';

export const NOBODY: { uid?: number; gid?: number } = userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};

export interface TestExporter {
  readonly child: ChildProcess;
  readonly port: number;
  /** Its /metrics text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** The series names on an exposition: every sample line's name, and every `# TYPE` line's. */
export function seriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+)/.exec(line) ?? /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/** Starts an exporter (or Prometheus) on a free loopback port and waits until `readyPath` shows it is ready. */
export async function startExporter(
  file: string,
  args: (port: number) => string[],
  env: Record<string, string>,
  ready: RegExp,
  readyPath = '/metrics',
): Promise<TestExporter> {
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

export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: string;
}

export interface TestPrometheus extends TestExporter {
  /** The alerts it has raised, pending or firing. */
  alerts(): Promise<PrometheusAlert[]>;
}

/** The alert Prometheus raised under this name and severity, if any. */
export type RaisedAlert = (name: string, severity: string) => PrometheusAlert | undefined;

/**
 * Waits (up to a minute: scrapes and evaluations are a second apart, and a rule's `for` adds to that) until
 * Prometheus has raised each [alertname, severity] in `wanted`, and returns a lookup over the alerts it had
 * then: the alert tests all wait for their rules this way and then read the alerts' labels.
 */
export async function untilRaised(
  prometheus: TestPrometheus,
  wanted: readonly (readonly [name: string, severity: string])[],
): Promise<RaisedAlert> {
  let alerts: PrometheusAlert[] = [];
  const raised: RaisedAlert = (name, severity) =>
    alerts.find((a) => a.labels.alertname === name && a.labels.severity === severity);
  await waitFor(
    'Prometheus to raise the alerts',
    async () => {
      alerts = await prometheus.alerts();
      return wanted.every(([name, severity]) => raised(name, severity) !== undefined);
    },
    { timeoutMs: 60_000, everyMs: 250 },
  );
  return raised;
}

/**
 * A real Prometheus (Debian's) that scrapes `target` every second as job `job` and evaluates `rulesYaml` every
 * second, in a folder of its own that stop() removes.
 */
export async function startPrometheus(
  rulesYaml: string,
  job: string,
  target: string,
): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'pooltune-prometheus-'));
  try {
    await writeFile(join(dir, 'rules.yml'), rulesYaml);
    await writeFile(
      join(dir, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yml')],
        scrape_configs: [{ job_name: job, static_configs: [{ targets: [target] }] }],
      }),
    );
    if (NOBODY.uid !== undefined && NOBODY.gid !== undefined) await chown(dir, NOBODY.uid, NOBODY.gid);
    const prometheus = await startExporter(
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
    return {
      ...prometheus,
      alerts: async () => {
        const response = await fetch(`http://127.0.0.1:${prometheus.port}/api/v1/alerts`);
        return ((await response.json()) as { data: { alerts: PrometheusAlert[] } }).data.alerts;
      },
      stop: async () => {
        await prometheus.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
