import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ANSI_ESCAPE, runCli, type CliResult } from '../helpers/cli.js';

const NO_STACK = /\n\s+at |Error: |node:internal/;

function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit 2, got ${result.code}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^pooltune: error: /);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, NO_STACK);
}

describe('pooltune recommend, end to end', () => {
  it('OLTP at 33 concurrent requests: max 40 with the trace', async () => {
    const r = await runCli(['recommend', '--workload', 'oltp', '--concurrency', '33']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /max_connections\s+│ 40\s+│ formula/);
    assert.match(r.stdout, /= ceil\(33 × 1\.2\) = ceil\(39\.6\) = 40/);
    assert.match(r.stdout, /= floor\(97 × 0\.8\) = floor\(77\.6\) = 77/);
    assert.match(r.stdout, /= min\(40, 77\) = 40/);
    assert.doesNotMatch(r.stdout, ANSI_ESCAPE, 'no colour on a pipe');
  });

  it('a budget that cannot carry the load: capped at 40, critical finding, exit 1', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'oltp',
      '-c',
      '100',
      '--server-max-connections',
      '50',
      '--reserved-connections',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /max_connections\s+│ 40 /);
    assert.match(r.stdout, /critical {2}The server budget carries 40 connections per instance, 60 short/);
    assert.match(r.stdout, /ALTER SYSTEM SET max_connections = 150;/);
  });

  it('--fail-on never keeps the gate open', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'oltp',
      '-c',
      '100',
      '--server-max-connections',
      '50',
      '--fail-on',
      'never',
    ]);
    assert.equal(r.code, 0);
  });

  describe("the defaults: PostgreSQL's budget and one workload for every way of sizing", () => {
    // A default server (max_connections 100, superuser_reserved_connections 3) gives --db 77; so does offline.
    it('offline, the budget is max_connections 100 with 3 reserved, as on a default server', async () => {
      const r = await runCli(['recommend', '-w', 'oltp', '-c', '100', '--fail-on', 'never', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as {
        inputs: { reservedConnections: { value: number; source: string } };
        recommendation: { pool: { maxConnections: number }; fleet: { usableSlots: number } };
      };
      assert.deepEqual(doc.inputs.reservedConnections, { value: 3, source: 'default' });
      assert.equal(doc.recommendation.fleet.usableSlots, 97);
      assert.equal(doc.recommendation.pool.maxConnections, 77);
    });

    for (const [label, args] of [
      ['--concurrency', ['recommend', '--concurrency', '10']],
      ['--rps and --hold-ms', ['recommend', '--rps', '100', '--hold-ms', '10']],
      ['no flags and no terminal', ['recommend']],
    ] as const) {
      it(`${label} without --workload sizes oltp and says it is the default`, async () => {
        const r = await runCli([...args]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
        assert.match(r.stdout, /^Recommendation for oltp/);
        assert.match(r.stdout, /│ workload +│ oltp +│ default, built-in preset │/);
        const json = await runCli([...args, '--json']);
        const doc = JSON.parse(json.stdout) as { inputs: { workload: { value: string; source: string } } };
        assert.deepEqual(doc.inputs.workload, { value: 'oltp', source: 'default' });
      });
    }
  });

  it('four instances share 100 slots: 20 each', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'oltp',
      '--instances',
      '4',
      '--server-max-connections',
      '100',
      '--reserved-connections',
      '0',
      '--concurrency',
      '100',
      '--json',
    ]);
    const doc = JSON.parse(r.stdout) as { recommendation: { pool: { maxConnections: number } } };
    assert.equal(doc.recommendation.pool.maxConnections, 20);
  });

  for (const [workload, max, min] of [
    ['batch', 10, 2],
    ['microservice', 5, 1],
  ] as const) {
    it(`${workload} without --concurrency is the guide's example (${max}/${min})`, async () => {
      const r = await runCli(['recommend', '--workload', workload, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as {
        recommendation: {
          pool: { maxConnections: number; minConnections: number };
          sources: Record<string, string>;
        };
      };
      assert.equal(doc.recommendation.pool.maxConnections, max);
      assert.equal(doc.recommendation.pool.minConnections, min);
      assert.equal(doc.recommendation.sources.maxConnections, 'preset');
    });
  }

  it('JSON is exactly one document on stdout and parses with jq', async () => {
    const r = await runCli(['recommend', '--workload', 'oltp', '--concurrency', '33', '--format', 'json']);
    assert.equal(r.stderr, '');
    const viaJq = execFileSync(
      'jq',
      ['-c', '[.schemaVersion, .command, .exitCode, .recommendation.pool.maxConnections]'],
      {
        input: r.stdout,
      },
    );
    assert.equal(viaJq.toString().trim(), '[1,"recommend",0,40]');
  });

  it('markdown for a pull-request comment', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'microservice',
      '--format',
      'markdown',
      '--emit',
      'node-postgres',
    ]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^## pooltune recommend: microservice/);
    assert.match(r.stdout, /```js\nimport pg from 'pg';/);
  });

  it('a preset file of the user’s own', async () => {
    const r = await runCli(['recommend', '--workload', 'test/fixtures/small-service.json', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      recommendation: { workload: string; pool: Record<string, unknown> };
    };
    assert.equal(doc.recommendation.workload, 'small-service');
    assert.equal(doc.recommendation.pool.maxConnections, 12);
    assert.equal(doc.recommendation.pool.minConnections, 3);
    assert.equal(doc.recommendation.pool.queryTimeoutMs, null);
  });

  describe('colour', () => {
    const args = ['recommend', '-w', 'oltp', '-c', '100', '--server-max-connections', '50'];
    it('FORCE_COLOR colours a pipe (so the checks below can fail)', async () => {
      assert.match((await runCli(args, { env: { FORCE_COLOR: '1' } })).stdout, ANSI_ESCAPE);
    });
    it('NO_COLOR=1 wins, even over FORCE_COLOR', async () => {
      const r = await runCli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
      assert.doesNotMatch(r.stdout + r.stderr, ANSI_ESCAPE);
    });
    it('--no-color wins over FORCE_COLOR', async () => {
      const r = await runCli([...args, '--no-color'], { env: { FORCE_COLOR: '1' } });
      assert.doesNotMatch(r.stdout + r.stderr, ANSI_ESCAPE);
    });
  });

  describe('bad input: exit 2, one line naming the flag or file, no stack trace', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'unknown workload',
        ['recommend', '--workload', 'oltpp'],
        /--workload: unknown workload 'oltpp'; expected oltp, batch, microservice/,
      ],
      [
        'preset file that is not JSON',
        ['recommend', '--workload', 'test/fixtures/not-json.json'],
        /not-json\.json: not valid JSON/,
      ],
      [
        'preset file that does not exist',
        ['recommend', '--workload', 'nope/missing.json'],
        /error: nope\/missing\.json: cannot read the workload file \(no such file\)/,
      ],
      [
        'negative concurrency',
        ['recommend', '-w', 'oltp', '--concurrency', '-5'],
        /--concurrency <n>' argument '-5' is invalid/,
      ],
      [
        'non-numeric concurrency',
        ['recommend', '-w', 'oltp', '--concurrency', 'lots'],
        /--concurrency <n>' argument 'lots' is invalid/,
      ],
      [
        'zero instances',
        ['recommend', '-w', 'oltp', '--instances', '0'],
        /--instances <n>' argument '0' is invalid/,
      ],
      [
        'unknown emitter',
        ['recommend', '-w', 'oltp', '--emit', 'django'],
        /--emit <library>' argument 'django' is invalid/,
      ],
      [
        'unknown format',
        ['recommend', '-w', 'oltp', '--format', 'yaml'],
        /--format <format>' argument 'yaml' is invalid/,
      ],
      ['--interactive without a terminal', ['recommend', '-i'], /--interactive needs a terminal/],
    ];
    for (const [label, args, pattern] of cases) {
      it(label, async () => {
        const r = await runCli(args);
        assertOneLineError(r, pattern);
        assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      });
    }

    it('a preset that breaks the schema lists every problem at once', async () => {
      const r = await runCli(['recommend', '--workload', 'test/fixtures/bad-preset.json']);
      assertOneLineError(r, /bad-preset\.json: 3 problems/);
      assert.match(
        r.stderr,
        /bad-preset\.json: maxConnections: expected a whole number from 1 to 10000, got -3/,
      );
      assert.match(r.stderr, /bad-preset\.json: acquireTimeout: expected a duration such as 500ms/);
      assert.match(r.stderr, /bad-preset\.json: testBeforeAcquire: expected true or false, got "yes"/);
    });
  });

  it('--help documents the exit codes; --version prints the version', async () => {
    const help = await runCli(['recommend', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:\n {2}0 {4}ran; no finding at or above --fail-on/);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('--help lists --behind-pooler and the pgbouncer emitter', async () => {
    const help = await runCli(['recommend', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--behind-pooler <mode>/);
    assert.match(help.stdout, /choices: transaction,\s+session\)/);
    assert.match(help.stdout, /json, env, pgbouncer/);
    // Right after --emit, where a reader choosing the code to print looks.
    assert.ok(help.stdout.indexOf('--behind-pooler') > help.stdout.indexOf('--emit <library>'));
    assert.match(help.stdout, /Behind a pooler \(--behind-pooler transaction\|session\):/);
  });

  it('--surge sizes the pools for the instances a rolling deploy runs at its peak', async () => {
    const size = async (...extra: string[]) => {
      const r = await runCli(['recommend', '-c', '30', '--instances', '6', ...extra, '--json']);
      // 36 wanted per instance is over the budget's cap either way: a finding, so exit 0 or 1.
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      return JSON.parse(r.stdout) as {
        inputs: { deploySurge?: { value: { instancesDuringDeploy: number }; source: string } };
        recommendation: {
          pool: { maxConnections: number };
          fleet: { instances: number; totalConnections: number };
        };
      };
    };
    const atRest = await size();
    const surged = await size('--surge', '25%');
    assert.equal(atRest.recommendation.pool.maxConnections, 12, 'floor(97 × 0.8 / 6)');
    // ceil(6 × 25 %) = 2 more: 8 instances share the 77 slots during a deploy.
    assert.deepEqual(surged.inputs.deploySurge, {
      value: { surge: { kind: 'percent', percent: 25 }, instancesDuringDeploy: 8 },
      source: 'flag',
    });
    assert.equal(surged.recommendation.pool.maxConnections, 9);
    assert.deepEqual(surged.recommendation.fleet.instances, 8);
    const text = await runCli(['recommend', '-c', '30', '--instances', '6', '--surge', '2']);
    assert.match(text.stdout, /deploy surge +│ 2 more: 8 instances while a deploy runs/);
    const bad = await runCli(['recommend', '--surge', '150%']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--surge .* is invalid/);
  });

  it("a plan's pooler.mode sizes its services for the pooled chain, as --behind-pooler would", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pooltune-plan-mode-'));
    try {
      writeFileSync(
        join(dir, 'pooltune.config.json'),
        JSON.stringify({
          pooler: { mode: 'transaction' },
          surge: 1,
          services: [{ name: 'api', concurrency: 30, instances: 10, pool: { maxConnections: 20 } }],
        }),
      );
      const r = await runCli(['recommend', '--service', 'api', '--json'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as {
        inputs: { behindPooler: { value: string; source: string } };
        recommendation: { pool: { maxConnections: number } };
      };
      assert.deepEqual(report.inputs.behindPooler, { value: 'transaction', source: 'plan' });
      assert.deepEqual(
        (report.inputs as { deploySurge?: unknown }).deploySurge,
        { value: { surge: { kind: 'count', count: 1 }, instancesDuringDeploy: 11 }, source: 'plan' },
        "the plan's surge",
      );
      assert.equal(report.recommendation.pool.maxConnections, 36, 'not capped by the server slots');
      const flag = await runCli(['recommend', '--service', 'api', '--behind-pooler', 'session', '--json'], {
        cwd: dir,
      });
      assert.equal(JSON.parse(flag.stdout).inputs.behindPooler.value, 'session', 'the flag wins');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--behind-pooler sizes against the pooler and says so; --emit pgbouncer works offline', async () => {
    const r = await runCli([
      'recommend',
      '-w',
      'oltp',
      '-c',
      '30',
      '--instances',
      '10',
      '--behind-pooler',
      'transaction',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      inputs: { behindPooler: { value: string; source: string } };
      recommendation: { pool: { maxConnections: number }; behindPooler: unknown };
      findings: { id: string }[];
    };
    assert.deepEqual(report.inputs.behindPooler, { value: 'transaction', source: 'flag' });
    // 10 × 36 would be far over the default server's 97 usable slots: behind a pooler they do not cap it.
    assert.equal(report.recommendation.pool.maxConnections, 36);
    assert.deepEqual(report.recommendation.behindPooler, { mode: 'transaction', maxClientConn: null });
    assert.deepEqual(
      report.findings.map((f) => f.id),
      ['pooler-client-limit'],
    );

    const ini = await runCli(['recommend', '-w', 'oltp', '--emit', 'pgbouncer', '--raw']);
    assert.equal(ini.code, 0, ini.stderr);
    assert.match(ini.stdout, /^postgres = host=localhost port=5432 dbname=postgres$/m);
    assert.match(ini.stdout, /^pool_mode = transaction$/m);

    const statement = await runCli(['recommend', '--behind-pooler', 'statement']);
    assert.equal(statement.code, 2);
    assert.match(statement.stderr, /Allowed choices are transaction, session/);
  });

  it('no command at all shows help on stderr and exits 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: pooltune/);
  });
});
