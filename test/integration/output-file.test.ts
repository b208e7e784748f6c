import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectOutput } from '../helpers/cli.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

/**
 * issue 13, point 3: when the --output file cannot be written at the end (its folder went away during the
 * run), what was measured still reaches stdout, in the file's format, with one line on stderr and exit 2.
 */
describe('an --output write that fails at the end', () => {
  let server: TestServer;
  let folder: string;
  before(async () => {
    server = await startServer({ version: 18 });
    folder = await mkdtemp(join(tmpdir(), 'pooltune-output-'));
  });
  after(async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('monitor prints its report on stdout instead, then exits 2 with the reason', async () => {
    const file = join(folder, 'gone', 'monitor.json');
    await mkdir(join(folder, 'gone'));
    const child = spawn(
      process.execPath,
      [CLI, 'monitor', '--db', server.url(), '--interval', '100ms', '--duration', '2s', '--json', '-o', file],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
    );
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const output = collectOutput(child);
    // The path passed the check before the run; the folder goes once sampling is under way.
    await waitFor('the first sample line', () => /\d\d:\d\d:\d\d\.\d · /.test(seen), { unless: output });
    await rm(join(folder, 'gone'), { recursive: true });
    const r = await output;
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^pooltune: error: --output: cannot write .*monitor\.json \(its folder does not exist\); the report is on stdout instead\n$/,
    );
    // What the file would have held: every sample as a JSON line, then the summary.
    const lines = r.stdout.split('\n').filter((line) => line.startsWith('{'));
    const docs = lines.map((line) => JSON.parse(line) as { type: string; stats?: { samples: number } });
    const summary = docs[docs.length - 1];
    assert.equal(summary?.type, 'summary');
    assert.equal(docs.length - 1, summary.stats?.samples, 'every sample is there');
    assert.ok((summary.stats?.samples ?? 0) >= 10, `samples: ${summary.stats?.samples}`);
  });
});
