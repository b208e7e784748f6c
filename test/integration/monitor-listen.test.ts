/**
 * issue 16 §1: a real Prometheus (Debian's package) scrapes `pooltune monitor --listen`, and the test reads the
 * series back through Prometheus's HTTP API; promtool accepts the exposition; the target stopped and started
 * again mid-run shows pooltune_up 0 then 1 with the process still running; SIGTERM ends it cleanly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectOutput } from '../helpers/cli.js';
import { startListening } from '../helpers/listen.js';
import {
  asServerUser,
  binaries,
  freePort,
  pooltuneSessions,
  pooltuneSessionsLeft,
  startServer,
  type TestServer,
} from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

interface QueryResult {
  readonly status: string;
  readonly data: { readonly result: readonly { metric: Record<string, string>; value: [number, string] }[] };
}

/** The instant value of `query` in Prometheus, for target "app"; undefined while it has none. */
async function promValue(prometheus: string, query: string): Promise<number | undefined> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`).catch(
    () => undefined,
  );
  if (!response?.ok) return undefined;
  const body = (await response.json()) as QueryResult;
  const series = body.data.result.find((r) => r.metric.target === 'app');
  return series ? Number(series.value[1]) : undefined;
}

/** promtool check metrics with `exposition` on its standard input: its exit code and what it said. */
function promtoolCheck(exposition: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const done = collectOutput(child);
  child.stdin.end(exposition);
  return done.then((r) => ({ code: r.code, output: r.stdout + r.stderr }));
}

describe('monitor --listen scraped by a real Prometheus', () => {
  let server: TestServer;
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';

  before(async () => {
    server = await startServer({ version: 18 });
    dir = await mkdtemp(join(tmpdir(), 'pooltune-prometheus-'));
  });
  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the series Prometheus reads back, survives the target restarting, and stops on SIGTERM', async () => {
    const { child, output, metricsUrl, stderr, metrics, up, killIfRunning } = await startListening([
      '--db',
      `app=${server.url()}`,
    ]);
    try {
      const address = metricsUrl.replace(/^http:\/\/|\/metrics$/g, '');

      const health = await fetch(metricsUrl.replace(/metrics$/, 'healthz'));
      assert.equal(health.status, 200);

      // An idle client of the test's own, for a connection series with a known value.
      const idle = await server.client();
      try {
        const port = await freePort();
        const config = join(dir, 'prometheus.yml');
        await writeFile(
          config,
          [
            'global:',
            '  scrape_interval: 1s',
            '  evaluation_interval: 1s',
            'scrape_configs:',
            '  - job_name: pooltune',
            `    static_configs: [{ targets: ['${address}'] }]`,
            '',
          ].join('\n'),
        );
        prometheus = spawn(
          PROMETHEUS,
          [
            `--config.file=${config}`,
            `--storage.tsdb.path=${join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            '--log.level=warn',
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
        const api = `http://127.0.0.1:${port}`;
        // Prometheus scrapes every second: each wait for what it reads polls every 250 ms.
        const untilPrometheusUp = (value: 0 | 1, what: string, timeoutMs = 30_000) =>
          waitFor(what, async () => (await promValue(api, 'pooltune_up')) === value, {
            timeoutMs,
            everyMs: 250,
            unless: output,
          });

        await untilPrometheusUp(1, 'Prometheus to read pooltune_up 1', 60_000);
        await waitFor(
          "Prometheus to read the test's idle connection",
          async () => ((await promValue(api, 'pooltune_client_connections{state="idle"}')) ?? 0) >= 1,
          { timeoutMs: 30_000, everyMs: 250, unless: output },
        );
        assert.equal(await promValue(api, 'pooltune_usable_slots'), 97, prometheusLog);

        const exposition = await metrics();
        const check = await promtoolCheck(exposition);
        assert.equal(check.code, 0, check.output);
        assert.equal(check.output.trim(), '', 'promtool finds nothing to lint');

        // The target goes away: down on the endpoint and in Prometheus, and the process goes on.
        const { pg_ctl } = await binaries(18);
        await idle.end().catch(() => undefined);
        await asServerUser(pg_ctl, ['-D', server.dataDir, '-m', 'fast', 'stop']);
        await waitFor('pooltune_up 0 on /metrics', async () => (await up('app')) === '0', {
          unless: output,
        });
        await untilPrometheusUp(0, 'Prometheus to read pooltune_up 0');
        assert.equal(child.exitCode, null, `pooltune is still running: ${stderr()}`);
        assert.doesNotMatch(await metrics(), /pooltune_client_connections\{/);

        // The same server again on the same port: up again, without a restart of pooltune.
        await asServerUser(pg_ctl, ['-D', server.dataDir, '-l', server.logFile, '-w', '-t', '60', 'start']);
        await waitFor('pooltune_up 1 on /metrics', async () => (await up('app')) === '1', {
          timeoutMs: 60_000,
          unless: output,
        });
        await untilPrometheusUp(1, 'Prometheus to read pooltune_up 1 again');
        assert.equal(child.exitCode, null, `pooltune is still running: ${stderr()}`);
      } finally {
        await idle.end().catch(() => undefined);
      }

      child.kill('SIGTERM');
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '', 'no report in listen mode');
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(
        lines[0] ?? '',
        /^pooltune: serving http:\/\/127\.0\.0\.1:\d+\/metrics for app, a sample every 200ms$/,
      );
      assert.match(
        lines.find((l) => l.includes('is down')) ?? '',
        /^pooltune: app is down: .*; retrying in 1s/,
      );
      assert.ok(lines.includes('pooltune: app is up again'), r.stderr);
      assert.equal(
        lines[lines.length - 1],
        'pooltune: stopped by SIGTERM; sessions and the metrics server closed',
      );
      assert.equal(await pooltuneSessionsLeft(server), 0, 'no session left on the server');
      await assert.rejects(fetch(metricsUrl), 'the metrics server is closed');
    } finally {
      killIfRunning();
    }
  });
  it('samples several targets on one session each, one of them never reachable, and serves them all', async () => {
    const nowhere = await freePort();
    const { child, output, up, killIfRunning } = await startListening([
      '--db',
      `a=${server.url()}`,
      '--db',
      `b=${server.url()}`,
      '--db',
      `gone=postgres://postgres@127.0.0.1:${nowhere}/postgres`,
    ]);
    try {
      await waitFor(
        'both reachable targets up',
        async () => (await up('a')) === '1' && (await up('b')) === '1',
        {
          unless: output,
        },
      );
      assert.equal(await up('gone'), '0');
      assert.equal(await pooltuneSessions(server), 2, 'one read-only session per target');
      assert.equal(child.exitCode, null);
      child.kill('SIGINT');
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^pooltune: gone is down: connection refused/m);
      assert.match(r.stderr, /pooltune: stopped by SIGINT; sessions and the metrics server closed\n$/);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    } finally {
      killIfRunning();
    }
  });

  it('stops at once on SIGTERM while a host that took the connection and says nothing is being connected to', async () => {
    // A host that accepts TCP and never answers: pooltune's login to it waits for its connect timeout.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      // Read (and drop) what arrives, so that the end of the connection is seen.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const listening = startListening([
      '--db',
      `app=${server.url()}`,
      '--db',
      `silent=postgres://postgres@127.0.0.1:${port}/postgres`,
      '--connect-timeout',
      '60s',
    ]);
    // The silent host is closed however the start goes.
    const { child, output, up, killIfRunning } = await listening.catch(async (error: unknown) => {
      await new Promise((resolve) => silent.close(resolve));
      throw error;
    });
    try {
      await waitFor(
        'app up, and a login to the silent host under way',
        async () => {
          return held.size === 1 && (await up('app')) === '1';
        },
        { unless: output },
      );
      child.kill('SIGTERM');
      const r = await output;
      // Not 143 after the 3s hard stop: the login under way is given up, and the stop is clean.
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /pooltune: stopped by SIGTERM; sessions and the metrics server closed\n$/);
      assert.doesNotMatch(r.stderr, /cancelled/);
      await waitFor('the silent host sees its connection closed', () => held.size === 0);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    } finally {
      killIfRunning();
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
