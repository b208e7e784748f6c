import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { asServerUser, binaries, type TestServer } from '../helpers/postgres.js';
import { startPrimary, startStandby } from '../helpers/standby.js';
import { waitFor } from '../helpers/wait.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  target?: string;
  subject?: string;
  fix?: { order?: string };
}
interface Report {
  exitCode: number;
  targets: { name: string; topology?: { role: string } }[];
  findings: Finding[];
}

const run = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(['check-server', ...args, '--format', 'json'], { env });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};

describe('a primary and its standby checked in one run', () => {
  let primary: TestServer;
  let standby: TestServer;
  let dir: string;
  before(async () => {
    primary = await startPrimary(18, { settings: { max_connections: 30 } });
    standby = await startStandby(primary, 'replica1');
    dir = await mkdtemp(join(tmpdir(), 'pooltune-targets-standby-'));
  });
  after(async () => {
    await standby?.stop();
    await primary?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('compares the standby with its primary: equal settings are ok', async () => {
    const { code, report } = await run([
      '--db',
      `primary=${primary.url()}`,
      '--db',
      `replica=${standby.url()}`,
    ]);
    assert.equal(code, 0);
    assert.deepEqual(
      report.targets.map((t) => [t.name, t.topology?.role]),
      [
        ['primary', 'primary'],
        ['replica', 'standby'],
      ],
    );
    const compared = report.findings.filter((f) => f.id === 'standby-below-primary');
    assert.deepEqual(
      compared.map((f) => [f.target, f.severity]),
      [['replica', 'ok']],
    );
  });

  it('flags a standby left below its primary after the primary was raised, and a role the plan gets wrong', async () => {
    // As an operator who followed a max_connections fix on the primary alone: raised, restarted.
    await primary.sql('ALTER SYSTEM SET max_connections = 40');
    const { pg_ctl } = await binaries(primary.version);
    await asServerUser(pg_ctl, [
      '-D',
      primary.dataDir,
      '-l',
      primary.logFile,
      '-m',
      'fast',
      '-w',
      '-t',
      '60',
      'restart',
    ]);
    await waitFor('replay paused on the standby for want of max_connections', async () => {
      const [row] = await standby.sql<{ state: string }>('select pg_get_wal_replay_pause_state() as state');
      return row?.state === 'paused';
    });
    const plan = join(dir, 'pooltune.config.json');
    await writeFile(
      plan,
      JSON.stringify({
        targets: [
          { name: 'main', urlEnv: 'MAIN_URL', role: 'standby' },
          { name: 'replica', urlEnv: 'REPLICA_URL', role: 'standby' },
        ],
        services: [],
      }),
    );
    const { code, report } = await run(['--config', plan], {
      MAIN_URL: primary.url(),
      REPLICA_URL: standby.url(),
    });
    assert.equal(code, 1);
    const below = report.findings.find((f) => f.id === 'standby-below-primary' && f.severity === 'critical');
    assert.equal(below?.target, 'replica');
    assert.equal(below?.subject, 'max_connections');
    assert.match(below?.title ?? '', /max_connections \(30\) is below its primary's \(40\)/);
    assert.match(below?.fix?.order ?? '', /standby first/);
    const paused = report.findings.find((f) => f.id === 'standby-replay-paused');
    assert.equal(paused?.severity, 'critical');
    assert.equal(paused?.target, 'replica');
    const role = report.findings.filter((f) => f.id === 'target-role');
    assert.deepEqual(
      role.map((f) => [f.target, f.severity]),
      [['main', 'warning']],
    );
    assert.match(role[0]?.title ?? '', /lists main as a standby, but it is a primary/);
  });
});
