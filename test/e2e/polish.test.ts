/** The wording fixes of issue 13, point 20, as a user meets them on the command line. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

/** The commands whose --help the wording checks below read, each the same way. */
const COMMANDS = ['recommend', 'check-server', 'health', 'bench', 'monitor', 'preflight', 'alerts'] as const;

const scratch = mkdtempSync(join(tmpdir(), 'pooltune-polish-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('polish, end to end', () => {
  it('broken JSON in a preset is placed by line and column', async () => {
    const file = join(scratch, 'broken.json');
    writeFileSync(file, '{\n  "maxConnections": 12,\n  "name": "x"\n  "description": "y"\n}\n');
    const r = await runCli(['recommend', '-w', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not valid JSON: .* at line 4, column 3/);
    assert.doesNotMatch(r.stderr, /position/);
  });

  it('a pool of one says "1 connection"', async () => {
    const r = await runCli(['recommend', '-w', 'oltp', '--server-max-connections', '5']);
    assert.doesNotMatch(r.stdout, /\b1 connections\b/);
    assert.match(r.stdout, /1 × 1 = 1 connection at peak/);
  });

  it("--measure's range error gives examples inside its range", async () => {
    const r = await runCli(['recommend', '--measure', '1s']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected a duration from 5s to 1h, such as 30s, 60s or 10min\./);
    assert.doesNotMatch(r.stderr, /500ms/);
  });

  it('--config outside the working directory is named by its absolute path', async () => {
    const r = await runCli(['recommend', '--config', '/dev/null'], { cwd: scratch });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^pooltune: error: \/dev\/null: the config file is empty/);
  });

  it("JUnit's time is the run's duration, not 0", async () => {
    const r = await runCli(['recommend', '-w', 'oltp', '--format', 'junit']);
    assert.equal(r.code, 0, r.stderr);
    const times = [...r.stdout.matchAll(/<testsuites? [^>]*\btime="([^"]+)"/g)].map((m) => Number(m[1]));
    assert.equal(times.length, 2, r.stdout);
    for (const time of times) assert.ok(time > 0 && time < 60, `time="${time}"`);
    assert.equal(times[0], times[1]);
  });

  it('--help writes every default one way, (default: X), without quotes', async () => {
    for (const command of COMMANDS) {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\(default: /);
      for (const other of [/default: "/, /choices: "/, /\(default [^:]/, /; default [^:]/]) {
        assert.doesNotMatch(r.stdout, other, `${command} --help`);
      }
    }
  });

  it('--help fits an 80-column terminal: descriptions and option texts are wrapped, only example commands run on', async () => {
    for (const command of COMMANDS) {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      const long = r.stdout
        .split('\n')
        .filter((line) => !line.startsWith('  pooltune ') && [...line].length > 80);
      assert.deepEqual(long, [], `${command} --help`);
    }
  });

  it('-q help speaks of findings, not of a configuration commands do not print', async () => {
    for (const command of ['check-server', 'health', 'recommend']) {
      const r = await runCli([command, '--help']);
      // The option's text as one line, however the help wrapped it.
      const flat = r.stdout.replace(/\s+/g, ' ');
      const line = flat.slice(flat.indexOf('--quiet'), flat.indexOf('-v, --verbose'));
      assert.match(line, /findings that need attention/);
      assert.doesNotMatch(line, /print only the configuration/);
    }
  });
});
