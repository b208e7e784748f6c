import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runInProcess } from '../helpers/in-process.js';

// A plan that names the variable holding its database URL is a promise about which server a deploy gate
// checks: with that variable unset, nothing else may stand in for it.
const DIR = mkdtempSync(join(tmpdir(), 'pooltune-plan-target-'));
after(() => rmSync(DIR, { recursive: true, force: true }));
writeFileSync(
  join(DIR, 'pooltune.config.json'),
  JSON.stringify({
    target: { urlEnv: 'APP_DATABASE_URL' },
    workload: 'oltp',
    services: [{ name: 'api', concurrency: 4, instances: 2, pool: { maxConnections: 5 } }],
  }),
);
// Where PG* and DATABASE_URL point: a port nothing listens on, so a fallback would show as exit 3.
const ELSEWHERE = { PGHOST: '127.0.0.1', PGPORT: '1', DATABASE_URL: 'postgres://other@127.0.0.1:1/other' };

describe("a plan's target.urlEnv that is not set", () => {
  for (const command of [['preflight'], ['check-server'], ['recommend', '--service', 'api']] as const) {
    for (const [label, env] of [
      ['unset', ELSEWHERE],
      ['empty', { ...ELSEWHERE, APP_DATABASE_URL: '' }],
    ] as const) {
      it(`${command.join(' ')}: ${label} is a usage error naming the variable and the file, and nothing is checked`, async () => {
        const r = await runInProcess([...command], { env, cwd: DIR });
        assert.equal(r.code, 2, r.stderr);
        assert.match(
          r.stderr,
          /^pooltune: error: .*pooltune\.config\.json: target\.urlEnv names APP_DATABASE_URL, which is not set/,
        );
        assert.match(r.stderr, /hint: set APP_DATABASE_URL to the database URL, or pass --db/);
        assert.equal(r.stdout, '');
      });
    }
  }

  it('recommend --service with budget flags sizes offline: the flags ask about a budget of their own', async () => {
    const r = await runInProcess(
      ['recommend', '--service', 'api', '--server-max-connections', '60', '--json'],
      { env: ELSEWHERE, cwd: DIR },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { target: string | null; inputs: { serverMaxConnections: unknown } };
    assert.equal(doc.target, null);
    assert.deepEqual(doc.inputs.serverMaxConnections, { value: 60, source: 'flag' });
  });

  it('--db still wins over the plan, whatever the variable holds', async () => {
    const r = await runInProcess(
      ['check-server', '--db', 'postgres://x@127.0.0.1:1/x', '--connect-timeout', '1s'],
      {
        env: ELSEWHERE,
        cwd: DIR,
      },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /connection refused by 127\.0\.0\.1:1/);
  });
});
