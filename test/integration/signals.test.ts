/** Ctrl-C (SIGINT) and SIGTERM end every command promptly, close every connection, and leave no report file. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectOutput } from '../helpers/cli.js';
import { startSilentListener } from '../helpers/hanging-server.js';
import { CLI } from '../helpers/paths.js';
import {
  startServer,
  type TestServer,
  pooltuneSessionsLeft,
  untilPooltuneSessions,
} from '../helpers/postgres.js';

const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const;

describe('signals', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startServer({ version: 18 });
    dir = await mkdtemp(join(tmpdir(), 'pooltune-signals-'));
    await writeFile(
      join(dir, 'pooltune.config.json'),
      JSON.stringify({ services: [{ name: 'api', instances: 1, pool: { maxConnections: 2 } }] }),
    );
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends `signal` once `ready` says the command got as far as the test means to interrupt. */
  async function interrupt(
    args: string[],
    signal: NodeJS.Signals,
    ready: (ended: Promise<unknown>) => Promise<unknown>,
  ) {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    const output = collectOutput(child);
    await ready(output);
    const sent = Date.now();
    child.kill(signal);
    const r = await output;
    return { ...r, afterSignalMs: Date.now() - sent };
  }

  for (const [signal, code] of SIGNALS) {
    it(`health mid-probe: ${signal} → exit ${code}, sessions closed, and what it measured reported (issue 13, point 16)`, async () => {
      const report = join(dir, `health-${signal}.json`);
      const r = await interrupt(
        ['health', '--db', server.url(), '--duration', '20s', '--format', 'json', '--output', report],
        signal,
        // Its own session and the probe pool's four: the pool probe is under way.
        (ended) => untilPooltuneSessions(server, 5, ended),
      );
      assert.equal(r.code, code, r.stderr);
      assert.ok(r.afterSignalMs < 3000, `promptly: ${r.afterSignalMs} ms`);
      assert.match(
        r.stderr,
        new RegExp(`stopped by ${signal}; connections closed, reporting what was measured`),
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(await pooltuneSessionsLeft(server), 0, 'every connection closed');
      assert.match(r.stdout, new RegExp(`stopped by ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}`));
      const json = JSON.parse(await readFile(report, 'utf8')) as {
        exitCode: number;
        probe: { stoppedBy: string };
        metrics: { connectivity: { samples: number }; acquisition: { acquisitions: number } | null };
        skipped: { id: string; reason: string }[];
      };
      assert.equal(json.exitCode, code);
      assert.equal(json.probe.stoppedBy, signal);
      assert.ok(json.metrics.connectivity.samples >= 1);
      assert.ok(
        (json.metrics.acquisition?.acquisitions ?? 0) > 0,
        'the pool probe measured until the signal',
      );
      assert.ok(json.skipped.some((s) => s.id === 'query-latency' && /stopped by/.test(s.reason)));
    });
    for (const command of ['preflight'] as const) {
      it(`${command} mid-probe: ${signal} → exit ${code}, sessions closed, no report file`, async () => {
        const report = join(dir, `${command}-${signal}.json`);
        const r = await interrupt(
          [command, '--db', server.url(), '--duration', '20s', '--format', 'json', '--output', report],
          signal,
          // Its own session and two of the probe pool's (the fresh-connection timing has at most two open).
          (ended) => untilPooltuneSessions(server, 3, ended),
        );
        assert.equal(r.code, code, r.stderr);
        assert.ok(r.afterSignalMs < 3000, `promptly: ${r.afterSignalMs} ms`);
        assert.match(r.stderr, new RegExp(`cancelled \\(${signal}\\); connections closed`));
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.equal(await pooltuneSessionsLeft(server), 0, 'every connection closed');
        assert.equal(existsSync(report), false, 'no report file');
        assert.deepEqual(
          (await readdir(dir)).filter((f) => f.includes('.tmp')),
          [],
          'no partial file either',
        );
      });
    }
    for (const command of ['check-server', 'recommend'] as const) {
      it(`${command} while connecting: ${signal} → exit ${code}, promptly`, async () => {
        const silent = await startSilentListener();
        try {
          const args = [
            command,
            '--db',
            `postgres://app@127.0.0.1:${silent.port}/x`,
            '--connect-timeout',
            '20s',
            ...(command === 'recommend' ? ['-w', 'oltp'] : []),
          ];
          const r = await interrupt(args, signal, (ended) => Promise.race([silent.connected, ended]));
          assert.equal(r.code, code, r.stderr);
          assert.ok(r.afterSignalMs < 3000, `promptly: ${r.afterSignalMs} ms`);
        } finally {
          await silent.close();
        }
      });
    }
  }
});
