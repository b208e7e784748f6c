import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { runCli, startCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { freePort, pooltuneSessions, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  target?: string;
}
interface TargetEntry {
  name: string;
  target: string;
  reached: boolean;
  error: string | null;
  serverVersion: string | null;
  server: { usableSlots: number } | null;
  exitCode: number | null;
  summary: { critical: number; warning: number };
}
interface Report {
  exitCode: number;
  target: string | null;
  targets: TargetEntry[];
  fleet:
    | { target: string; services: number; atRest: number; duringDeploy: number; status: string | null }[]
    | null;
  findings: Finding[];
  skipped: { id: string; target?: string }[];
}

const Ajv = Ajv2020.default;
const PASSWORD = 'Pw-several-targets-5521';

describe('check-server over several targets in one run', () => {
  let primary: TestServer;
  let reads: TestServer;
  let deadPort: number;
  let validate: ValidateFunction;
  let dir: string;

  before(async () => {
    [primary, reads, deadPort] = await Promise.all([
      startServer({ version: 18, auth: 'scram-sha-256', settings: { max_connections: 40 } }),
      startServer({ version: 15, settings: { max_connections: 20 } }),
      freePort(),
    ]);
    await primary.sql(`ALTER ROLE postgres PASSWORD '${PASSWORD}'`);
    const schema = JSON.parse(await readFile(`${REPO_ROOT}schemas/report.schema.json`, 'utf8')) as object;
    validate = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(schema);
    dir = await mkdtemp(join(tmpdir(), 'pooltune-targets-'));
  });
  after(async () => {
    await Promise.all([primary?.stop(), reads?.stop(), dir && rm(dir, { recursive: true, force: true })]);
  });

  const json = async (args: string[], env: Record<string, string> = {}, cwd?: string) => {
    const r = await runCli(['check-server', ...args, '--format', 'json'], { env, ...(cwd ? { cwd } : {}) });
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password is never printed');
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(validate(report), JSON.stringify(validate.errors));
    return { code: r.code, report, stderr: r.stderr };
  };

  it('gives one report with an entry per named target and every finding labelled with its target', async () => {
    const { code, report } = await json([
      '--db',
      `primary=${primary.url('postgres', 'postgres', PASSWORD)}`,
      '--db',
      `reads=${reads.url()}`,
      '--fail-on',
      'warning',
    ]);
    assert.deepEqual(
      report.targets.map((t) => [t.name, t.reached, t.serverVersion?.split('.')[0]]),
      [
        ['primary', true, '18'],
        ['reads', true, '15'],
      ],
    );
    assert.equal(report.target, null);
    assert.deepEqual(
      report.targets.map((t) => t.server?.usableSlots),
      [37, 17],
    );
    // Each server's own findings, once each, named by target: both servers have statement_timeout off.
    const statement = report.findings.filter((f) => f.id === 'statement-timeout-disabled');
    assert.deepEqual(statement.map((f) => f.target).sort(), ['primary', 'reads']);
    assert.ok(report.findings.every((f) => f.target === 'primary' || f.target === 'reads'));
    assert.ok(report.skipped.every((s) => s.target !== undefined));
    // The worst of the two decides: warnings fail --fail-on warning.
    assert.equal(code, 1);
    assert.equal(report.exitCode, 1);
  });

  it('the text report has a section per target and labels its findings', async () => {
    const r = await runCli([
      'check-server',
      '--db',
      `primary=${primary.url('postgres', 'postgres', PASSWORD)}`,
      '--db',
      `reads=${reads.url()}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Server check of 2 targets · primary, reads · all reached/);
    assert.match(r.stdout, /^primary: postgres@127\.0\.0\.1:\d+\/postgres · PostgreSQL 18/m);
    assert.match(r.stdout, /^reads: postgres@127\.0\.0\.1:\d+\/postgres · PostgreSQL 15/m);
    assert.match(r.stdout, /warning {2}\[reads\] statement_timeout is off/);
  });

  it('a target that cannot be reached is a critical finding of its own; the others are still checked', async () => {
    const { code, report } = await json([
      '--db',
      primary.url('postgres', 'postgres', PASSWORD),
      '--db',
      `postgres://postgres@127.0.0.1:${deadPort}/x`,
    ]);
    const [up, down] = report.targets;
    assert.equal(up?.reached, true);
    assert.equal(down?.reached, false);
    assert.match(down?.error ?? '', /connection refused/);
    assert.equal(down?.name, `127.0.0.1:${deadPort}`);
    const unreachable = report.findings.find((f) => f.id === 'target-unreachable');
    assert.equal(unreachable?.severity, 'critical');
    assert.equal(unreachable?.target, `127.0.0.1:${deadPort}`);
    assert.equal(
      code,
      1,
      'a critical finding fails the default gate; 3 is kept for a run that reached nothing',
    );
  });

  it('exits 3 when no target was reached', async () => {
    const { code, report } = await json([
      '--db',
      `postgres://postgres@127.0.0.1:${deadPort}/a`,
      '--db',
      `postgres://postgres@127.0.0.1:${deadPort}/b`,
    ]);
    assert.equal(code, 3);
    // Same host and port: the database tells them apart.
    assert.deepEqual(
      report.targets.map((t) => t.name),
      [`127.0.0.1:${deadPort}/a`, `127.0.0.1:${deadPort}/b`],
    );
  });

  it("checks the plan's targets, each against the services that connect to it, with the deploy surge", async () => {
    const plan = join(dir, 'pooltune.config.json');
    await writeFile(
      plan,
      JSON.stringify({
        targets: [
          { name: 'main', urlEnv: 'MAIN_URL', role: 'primary' },
          { name: 'replica', urlEnv: 'REPLICA_URL', role: 'standby' },
        ],
        surge: '50%',
        services: [
          { name: 'api', instances: 2, pool: { maxConnections: 5 } },
          { name: 'reports', target: 'replica', instances: 2, pool: { maxConnections: 6 } },
        ],
      }),
    );
    const { report } = await json(['--config', plan], {
      MAIN_URL: primary.url('postgres', 'postgres', PASSWORD),
      REPLICA_URL: reads.url(),
    });
    assert.deepEqual(
      report.targets.map((t) => t.name),
      ['main', 'replica'],
    );
    // api (no target) goes to the first target; reports names the replica. 2 → 3 instances with 50 %.
    assert.deepEqual(
      report.fleet?.map((r) => [r.target, r.services, r.atRest, r.duringDeploy]),
      [
        ['main', 1, 10, 15],
        ['replica', 1, 12, 18],
      ],
    );
    // 18 connections during a deploy do not fit the replica's 17 usable slots; the main server is fine.
    const surge = report.findings.filter((f) => f.id === 'plan-surge');
    assert.deepEqual(
      surge.map((f) => [f.target, f.severity]),
      [
        ['main', 'ok'],
        ['replica', 'critical'],
      ],
    );
    assert.deepEqual(
      report.fleet?.map((r) => r.status),
      ['ok', 'critical'],
    );
  });

  it("preflight gates the plan's targets in one run, and health probes each --db in turn", async () => {
    const plan = join(dir, 'preflight.json');
    await writeFile(
      plan,
      JSON.stringify({
        targets: [
          { name: 'main', urlEnv: 'MAIN_URL' },
          { name: 'replica', urlEnv: 'REPLICA_URL' },
        ],
        services: [
          { name: 'api', instances: 2, pool: { maxConnections: 5 } },
          { name: 'reports', target: 'replica', instances: 3, pool: { maxConnections: 6 } },
        ],
      }),
    );
    const env = { MAIN_URL: primary.url('postgres', 'postgres', PASSWORD), REPLICA_URL: reads.url() };
    const gate = await runCli(['preflight', '--config', plan, '--duration', '300ms', '--format', 'json'], {
      env,
    });
    const report = JSON.parse(gate.stdout) as Report & { command: string };
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.equal(report.command, 'preflight');
    // 18 connections for reports against the replica's 17 usable slots fail the gate; main is fine.
    const fleet = report.findings.filter((f) => f.id === 'plan-fleet');
    assert.deepEqual(
      fleet.map((f) => [f.target, f.severity]),
      [
        ['main', 'ok'],
        ['replica', 'critical'],
      ],
    );
    assert.equal(gate.code, 1);

    const probed = await runCli([
      'health',
      '--db',
      `main=${env.MAIN_URL}`,
      '--db',
      `replica=${env.REPLICA_URL}`,
      '--duration',
      '300ms',
      '--format',
      'json',
    ]);
    const health = JSON.parse(probed.stdout) as Omit<Report, 'targets'> & {
      targets: (TargetEntry & { metrics?: unknown })[];
    };
    assert.ok(validate(health), JSON.stringify(validate.errors));
    assert.equal(probed.code, 0, probed.stderr);
    assert.deepEqual(
      health.targets.map((t) => [t.name, t.reached, t.metrics !== undefined]),
      [
        ['main', true, true],
        ['replica', true, true],
      ],
    );
    assert.ok(health.findings.some((f) => f.id === 'query-latency' && f.target === 'replica'));
  });

  it('health stopped by Ctrl-C leaves the targets after the stop unchecked, a skipped check and not an unreachable server', async () => {
    const { child, output } = startCli([
      'health',
      '--db',
      `first=${reads.url()}`,
      '--db',
      `second=${reads.url()}`,
      '--duration',
      '30s',
      '--format',
      'json',
    ]);
    // The first target's pool probe is under way once pooltune holds more than its one session.
    await waitFor('the first target under probe', async () => (await pooltuneSessions(reads)) > 1, {
      unless: output,
    });
    child.kill('SIGINT');
    const r = await output;
    assert.equal(r.code, 130, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.deepEqual(
      report.findings.filter((f) => f.id === 'target-unreachable'),
      [],
      'a target the stop came before was not unreachable',
    );
    assert.deepEqual(
      report.skipped.filter((x) => x.id === 'target-unreachable').map((x) => x.target),
      ['second'],
    );
  });

  it('a plan target whose variable is unset stops the run before anything is checked', async () => {
    const plan = join(dir, 'unset.json');
    await writeFile(
      plan,
      JSON.stringify({ targets: [{ name: 'main', urlEnv: 'POOLTUNE_NOT_SET_ANYWHERE' }], services: [] }),
    );
    const r = await runCli(['check-server', '--config', plan]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /targets main names POOLTUNE_NOT_SET_ANYWHERE, which is not set/);
    assert.equal(r.stderr.trim().split('\n')[0]?.startsWith('pooltune: '), true);
  });

  it('commands that check one server refuse a second --db in one line', async () => {
    const r = await runCli(['recommend', '--db', primary.url(), '--db', reads.url()]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--db was given 2 times; recommend checks one server \(check-server, health, preflight and monitor --listen take several\)/,
    );
    assert.doesNotMatch(r.stderr, /at .*\.js/);
  });
});
