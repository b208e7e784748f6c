/**
 * recommend --raw: the emitted code alone, byte for byte the golden code, so that `> pool.env` (or
 * `-o pool.env`) makes a file to use as it is.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EMITTERS } from '../../src/report/emit/types.js';
import { ANSI_ESCAPE, runCli } from '../helpers/cli.js';
import { GOLDEN_DIR } from '../helpers/paths.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'pooltune-raw-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The code part of a golden file (the notes follow it). */
function goldenCode(emitter: string): string {
  const golden = readFileSync(`${GOLDEN_DIR}oltp-33.${emitter}.txt`, 'utf8');
  return golden.slice(0, golden.indexOf('\n--- notes ---'));
}

describe('recommend --raw', () => {
  for (const emitter of EMITTERS) {
    it(`--emit ${emitter} --raw prints exactly the golden code`, async () => {
      const r = await runCli(['recommend', '-w', 'oltp', '-c', '33', '--emit', emitter, '--raw'], {
        env: { FORCE_COLOR: '1' },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, goldenCode(emitter));
      assert.doesNotMatch(r.stdout, ANSI_ESCAPE, 'no colour, even when forced');
    });
  }

  it('the README example makes a pool.env a shell can source', async () => {
    const r = await runCli(['recommend', '-w', 'oltp', '--emit', 'env', '--raw']);
    assert.equal(r.code, 0, r.stderr);
    const file = join(scratch, 'pool.env');
    writeFileSync(file, r.stdout);
    const { stdout } = await run(
      'bash',
      ['-c', `source "${file}" && echo "$POOL_MAX_CONNECTIONS $PGOPTIONS"`],
      {
        env: {},
      },
    );
    assert.match(stdout, /^\d+ -c statement_timeout=\d+\n$/);
  });

  it('with -o the file gets the code and the terminal the text report', async () => {
    const file = join(scratch, 'pool-o.env');
    const r = await runCli(['recommend', '-w', 'oltp', '-c', '33', '--emit', 'env', '--raw', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), goldenCode('env'));
    assert.match(r.stdout, /^Recommendation for oltp/);
  });

  it('findings that need attention go to stderr, one line each, and set the exit code', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'oltp',
      '-c',
      '100',
      '--server-max-connections',
      '50',
      '--raw',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^use eventcore/m);
    assert.match(r.stderr, /^pooltune: critical: The server budget carries \d+ connections per instance/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('refuses another format: the code alone is the point', async () => {
    for (const format of [['--json'], ['--format', 'markdown']]) {
      const r = await runCli(['recommend', '-w', 'oltp', '--raw', ...format]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^pooltune: error: option '--raw' prints the code alone; drop '--/);
    }
  });
});
