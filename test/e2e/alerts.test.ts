import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

/** `pooltune alerts` as a user runs it: the rules file on stdout or in a file, the plan's ignores, bad flags. */
describe('pooltune alerts', () => {
  let folder: string;
  before(async () => (folder = await mkdtemp(join(tmpdir(), 'pooltune-alerts-cli-'))));
  after(() => rm(folder, { recursive: true, force: true }));

  it('prints one rule group per source, every source by default', async () => {
    const all = await runCli(['alerts']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stderr, '');
    const names = [...all.stdout.matchAll(/^ {2}- name: "([^"]+)"/gm)].map((m) => m[1]);
    assert.deepEqual(names, [
      'pooltune-guide-pooltune',
      'pooltune-guide-postgres-exporter',
      'pooltune-guide-pgbouncer-exporter',
    ]);
    const one = await runCli(['alerts', '--source', 'pgbouncer-exporter', '--source', 'pgbouncer-exporter']);
    assert.deepEqual(
      [...one.stdout.matchAll(/^ {2}- name: "([^"]+)"/gm)].map((m) => m[1]),
      ['pooltune-guide-pgbouncer-exporter'],
    );
  });

  it('writes the file with --output and says so on the terminal', async () => {
    const file = join(folder, 'rules.yml');
    const r = await runCli(['alerts', '--source', 'pooltune', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pooltune: wrote \d+ alert rules to /);
    assert.match(await readFile(file, 'utf8'), /^groups:$/m);
  });

  it("leaves out the rules of the plan's ignored findings, and says so in the file", async () => {
    const plan = join(folder, 'pooltune.config.json');
    await writeFile(
      plan,
      JSON.stringify({
        services: [{ name: 'api', instances: 2, pool: { maxConnections: 10 } }],
        ignore: [{ id: 'lock-waits', reason: 'migrations take locks\non purpose' }],
      }),
    );
    const r = await runCli(['alerts', '--source', 'pooltune'], { cwd: folder });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /alert: "PooltuneLockWait"/);
    assert.match(
      r.stdout,
      /^# Left out PooltuneLockWait: the plan ignores lock-waits \(migrations take locks/m,
    );
    const without = await runCli(['alerts', '--source', 'pooltune']);
    assert.match(without.stdout, /alert: "PooltuneLockWait"/);
  });

  it('refuses a source or a format it cannot write (exit 2, one line)', async () => {
    for (const args of [
      ['--source', 'mysql-exporter'],
      ['--format', 'junit'],
      ['--idle-in-transaction-threshold', 'soon'],
    ]) {
      const r = await runCli(['alerts', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('takes no --db: it reads no server', async () => {
    const r = await runCli(['alerts', '--db', 'postgres://app@127.0.0.1:1/app']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--db'/);
  });
});
