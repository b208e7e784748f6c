import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { collectOutput } from '../helpers/cli.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

interface Line {
  type: 'sample' | 'summary';
  seq?: number;
  transactions?: { committed: number; perSecond: number } | null;
  run?: { stoppedBy: string };
  stats?: { samples: number; transactions: { committed: number; meanPerSecond: number } | null };
  exitCode?: number;
}

/**
 * issue 13, point 15: monitor shows other clients' transactions per second, and a server that goes away
 * mid-run ends it with the summary of the samples taken so far and exit 3.
 */
describe('monitor when the server goes away', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ version: 18 });
  });
  after(() => server?.stop());

  it('prints the summary of the samples so far, with the transactions it saw, then exits 3', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'monitor', '--db', server.url(), '--interval', '200ms', '--format', 'json'],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
    );
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const output = collectOutput(child);
    const samples = () => (seen.match(/"type":"sample"/g) ?? []).length;
    await waitFor('the first sample', () => samples() >= 1, { unless: output });
    // 300 transactions from a client that then disconnects, which makes the server report them.
    const client = await server.client();
    for (let i = 0; i < 300; i++) await client.query('select 1');
    await client.end();
    const after = samples();
    await waitFor('three samples after the load', () => samples() >= after + 3, { unless: output });
    await server.stop();
    const r = await output;

    assert.equal(r.code, 3, r.stderr);
    const errors = r.stderr.split('\n').filter((line) => line !== '');
    assert.equal(errors.length, 1, r.stderr);
    assert.match(
      errors[0] ?? '',
      /^pooltune: error: lost the connection to 127\.0\.0\.1:\d+.*; the summary covers the \d+ samples taken before$/,
    );
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    const summary = lines[lines.length - 1];
    assert.equal(summary?.type, 'summary');
    assert.equal(summary.run?.stoppedBy, 'connection-lost');
    assert.equal(summary.exitCode, 3);
    assert.equal(summary.stats?.samples, lines.length - 1, 'every sample taken is summarised');
    assert.ok((summary.stats?.samples ?? 0) >= 4);
    // The test's 300 and its connection's set-up; give or take pooltune's own commits of the last second,
    // which the server had not reported yet when it stopped (3 per reading, 5 readings a second).
    const committed = summary.stats?.transactions?.committed ?? 0;
    assert.ok(committed >= 290 && committed <= 330, `committed: ${committed}`);
    assert.ok((summary.stats?.transactions?.meanPerSecond ?? 0) > 0);
    assert.ok(lines.slice(0, -1).some((line) => (line.transactions?.perSecond ?? 0) > 0));
  });
});
