import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

/**
 * issue 13, point 3: an --output that cannot be written fails before anything runs (exit 2, one line with
 * the reason), not after a measurement that is then lost. The target is a closed port: a command that
 * went ahead would fail to connect (exit 3) instead.
 */
describe('--output is checked before the run', () => {
  let folder: string;
  const nowhere = 'postgres://app@127.0.0.1:1/app';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pooltune-output-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  const commands: readonly (readonly string[])[] = [
    ['recommend', '-w', 'oltp', '-c', '20'],
    ['check-server', '--db', nowhere],
    ['health', '--db', nowhere],
    ['preflight', '--db', nowhere, '--config', 'test/fixtures/small-service.json'],
    ['bench', '--db', nowhere, '--pool-max', '2', '--clients', '2', '--duration', '1s'],
    ['monitor', '--db', nowhere, '--duration', '10min'],
  ];

  for (const args of commands) {
    it(`${args[0]}: a missing folder, and a folder as the file, exit 2 with the reason`, async () => {
      const missing = await runCli([...args, '-o', join(folder, 'no-such-folder', 'report.json')]);
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(
        missing.stderr,
        /^pooltune: error: --output: cannot write .*report\.json \(its folder does not exist\)\n$/,
      );
      assert.equal(missing.stdout, '', 'nothing ran');

      const isFolder = await runCli([...args, '-o', folder]);
      assert.equal(isFolder.code, 2, isFolder.stderr);
      assert.match(isFolder.stderr, /^pooltune: error: --output: cannot write .* \(it is a folder\)\n$/);
    });
  }

  it('a file in place of the folder is named, and the check leaves no file behind', async () => {
    const r = await runCli(['recommend', '-w', 'oltp', '-c', '20', '-o', join('package.json', 'report.md')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /--output: cannot write package\.json\/report\.md \(package\.json is not a folder\)/,
    );
    const ok = await runCli(['recommend', '-w', 'oltp', '-c', '20', '-o', join(folder, 'r.json'), '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(await readdir(folder), ['r.json']);
  });
});
