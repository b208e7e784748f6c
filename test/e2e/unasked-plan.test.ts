import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runInProcess } from '../helpers/in-process.js';

// A broken pooltune.config.json somewhere above the working folder (a home folder, a monorepo root) must
// not stop a recommend that never asked for a plan; one that was asked for still stops the run.
const ROOT = mkdtempSync(join(tmpdir(), 'pooltune-unasked-plan-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

function folderUnder(plan: string): string {
  const parent = mkdtempSync(join(ROOT, 'parent-'));
  writeFileSync(join(parent, 'pooltune.config.json'), plan);
  const child = join(parent, 'service');
  mkdirSync(child);
  return child;
}

const NOT_JSON = folderUnder('{ "services": [ ');
const INVALID = folderUnder(
  JSON.stringify({ colour: 'blue', services: [{ name: 'api', instances: 'six', pool: {} }] }),
);

describe('an invalid pooltune.config.json in a parent folder', () => {
  for (const [label, cwd, problem] of [
    ['not JSON', NOT_JSON, /\/pooltune\.config\.json: not valid JSON/],
    [
      'against the schema',
      INVALID,
      /\/pooltune\.config\.json: 3 problems \(the first: colour: unknown key \(allowed: target, /,
    ],
  ] as const) {
    it(`${label}: a plain recommend warns once, on one line naming the file and the problem, and goes on`, async () => {
      const r = await runInProcess(['recommend', '-w', 'oltp', '-c', '33'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /^pooltune: warning: /);
      assert.match(lines[0] ?? '', problem);
      assert.match(lines[0] ?? '', /going on without the plan \(pass --config or --service to use it\)$/);
      assert.match(r.stdout, /max_connections +│ 40 +│ formula/);
    });

    it(`${label}: asked for with --config or --service, it is still an error (exit 2)`, async () => {
      for (const args of [
        ['recommend', '-w', 'oltp', '--config', '../pooltune.config.json'],
        ['recommend', '--service', 'api'],
      ]) {
        const r = await runInProcess(args, { cwd });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^pooltune: error: /);
        assert.match(r.stderr, /pooltune\.config\.json/);
        assert.equal(r.stdout, '');
      }
    });
  }

  it('check-server without --config warns the same way and goes on to the server', async () => {
    // Port 1 refuses at once: what matters is that the plan did not stop the run before it connected.
    const r = await runInProcess(['check-server', '--db', 'postgres://app@127.0.0.1:1/app'], {
      cwd: INVALID,
    });
    assert.equal(r.code, 3, r.stderr);
    const [warning, error] = r.stderr.trimEnd().split('\n');
    assert.match(warning ?? '', /^pooltune: warning: \S*\/pooltune\.config\.json: 3 problems/);
    assert.match(warning ?? '', /going on without the plan \(pass --config to use it\)$/);
    assert.match(error ?? '', /^pooltune: error: /);
  });

  it('the JSON report on stdout stays one clean document', async () => {
    const r = await runInProcess(['recommend', '-c', '10', '--json'], { cwd: INVALID });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { command: string }).command, 'recommend');
    assert.match(r.stderr, /^pooltune: warning: /);
  });
});
