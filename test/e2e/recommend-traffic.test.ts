import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';

const NO_STACK = /\n\s+at |Error: |node:internal/;

function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit 2, got ${result.code}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^pooltune: error: [^\n]+\n$/);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, NO_STACK);
}

/** Matches `text` literally, whatever line wrapping put between its words. */
const words = (text: string): RegExp =>
  new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'));

describe('pooltune recommend from traffic, end to end', () => {
  it('--rps 200 --hold-ms 20 --target-wait-ms 10: A = 4, the table, the guide beside it and the reason', async () => {
    const r = await runCli(['recommend', '--rps', '200', '--hold-ms', '20', '--target-wait-ms', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /200\/s × 20ms = 4 busy connections per instance on average \(Little's law\)/);
    assert.match(r.stdout, /│ 5 +│ 55 % +│ 11\.1ms +│ 80\.3ms +│ 80 % +│ guide's formula/);
    assert.match(r.stdout, /│ 6 +│ 28 % +│ 2\.85ms +│/);
    assert.match(r.stdout, /│ 8 +│ 5\.9 % +│ 0\.3ms +│ 8\.88ms +│ 50 % +│ ← chosen/);
    assert.match(r.stdout, words('The traffic decided: 8 is the smallest pool with a p99 wait'));
    assert.match(r.stdout, words("The guide's formula gives 5 (4 concurrent requests + 20 % headroom)"));
    assert.match(r.stdout, /max_connections +│ 8 +│ traffic model/);
    assert.match(r.stdout, /workload +│ oltp/);
  });

  it('a budget too small for the target: the budget decides, the wait there is stated, exit 0 on a warning', async () => {
    const r = await runCli([
      'recommend',
      '--rps',
      '200',
      '--hold-ms',
      '20',
      '--server-max-connections',
      '8',
      '--reserved-connections',
      '0',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, words('The server budget decided: the traffic needs 8 connections per instance'));
    assert.match(
      r.stdout,
      /warning +No pool within the server budget meets p99 wait ≤ 10ms: at the budget's/,
    );
    assert.match(r.stdout, words('maximum of 6 per instance the p99 wait is 33.5ms'));
    assert.match(r.stdout, /ALTER SYSTEM SET max_connections = 10;/);
  });

  it('a budget at or below the load: critical, the queue grows without bound, exit 1', async () => {
    const r = await runCli([
      'recommend',
      '--rps',
      '200',
      '--hold-ms',
      '20',
      '--server-max-connections',
      '5',
      '--reserved-connections',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, words('critical The server budget allows 4 connections per instance'));
    assert.match(r.stdout, /│ 4 +│ all +│ unbounded +│ unbounded +│ 100 %/);
  });

  it('--rps is fleet-wide and --db-cores fails when the traffic alone exceeds the CPU bound', async () => {
    const r = await runCli([
      'recommend',
      '--rps',
      '800',
      '--hold-ms',
      '20',
      '--instances',
      '4',
      '--db-cores',
      '2',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, words('critical The pool is capped at 1 per instance'));
    assert.match(r.stdout, words('these cores cannot carry this traffic at this hold time'));
    assert.match(
      r.stdout,
      words("200/s × 20ms = 4 busy connections per instance on average (Little's law); 16"),
    );
    assert.match(
      r.stdout,
      words("warning The traffic keeps 16 connections busy on average, more than the 4 the database's cores"),
    );
  });

  it('--callers switches to the Engset model', async () => {
    const r = await runCli(['recommend', '--rps', '200', '--hold-ms', '20', '--callers', '6']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sizing from traffic \(Engset, 6 callers per instance\)/);
    assert.match(r.stdout, /max_connections +│ 6 +│ traffic model/);
  });

  describe('bad input: exit 2 and one line', () => {
    const cases: [string, string[], RegExp][] = [
      ['a rate of 0', ['--rps', '0', '--hold-ms', '20'], /'--rps <n>' argument '0' is invalid/],
      ['a negative rate', ['--rps', '-5', '--hold-ms', '20'], /'--rps <n>' argument '-5' is invalid/],
      ['a hold time of 0', ['--rps', '200', '--hold-ms', '0'], /'--hold-ms <ms>' argument '0' is invalid/],
      ['a rate without a hold time', ['--rps', '200'], /'--rps' needs '--hold-ms'/],
      ['a hold time without a rate', ['--hold-ms', '20'], /'--hold-ms' needs '--rps'/],
      [
        'the 100th percentile',
        ['--rps', '1', '--hold-ms', '1', '--target-percentile', '100'],
        /above 0 and below 100/,
      ],
      ['a rate and a concurrency', ['--rps', '200', '--hold-ms', '20', '-c', '5'], /size the pool two ways/],
      ['--measure too short', ['--db', 'postgres://a@b/c', '--measure', '2s'], /from 5s to 1h/],
      ['a target without traffic', ['-w', 'oltp', '--target-wait-ms', '5'], /applies to sizing from traffic/],
      [
        'fewer callers than busy connections',
        ['--rps', '200', '--hold-ms', '20', '--callers', '3'],
        /3 callers/,
      ],
      [
        'spindles without cores',
        ['--rps', '1', '--hold-ms', '1', '--db-spindles', '1'],
        /needs '--db-cores'/,
      ],
    ];
    for (const [what, args, pattern] of cases) {
      it(what, async () => assertOneLineError(await runCli(['recommend', ...args]), pattern));
    }
  });

  it('--measure without --db measures the server DATABASE_URL names, as every command finds its target', async () => {
    const r = await runCli(['recommend', '--measure', '10s', '--connect-timeout', '1s'], {
      env: { DATABASE_URL: 'postgres://app@127.0.0.1:1/app' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /connection refused by 127\.0\.0\.1:1.*\n.*the target comes from DATABASE_URL/);
  });
});
