import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import type { Invocation } from '../../src/cli/commands.js';
import { createProgram } from '../../src/cli/program.js';
import type { Io } from '../../src/ui/io.js';

async function parse(
  args: string[],
): Promise<{ invocation?: Invocation; stderr: string; error?: CommanderError }> {
  let stderr = '';
  const stream = (sink: (t: string) => void) => ({ write: async (t: string) => sink(t), isTTY: false });
  const io: Io = {
    stdout: stream(() => {}),
    stderr: stream((t) => (stderr += t)),
    stdinIsTTY: false,
    env: {},
    cwd: '/',
    addSecret: () => {},
  };
  let invocation: Invocation | undefined;
  const program = await createProgram(io, '0.0.0-test', (i) => (invocation = i), args);
  try {
    await program.parseAsync(['node', 'pooltune', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) return { stderr, error };
    throw error;
  }
  return { ...(invocation ? { invocation } : {}), stderr };
}

describe('command-line parsing', () => {
  it('reads the recommend inputs and records which were given', async () => {
    const { invocation } = await parse([
      'recommend',
      '--workload',
      'oltp',
      '-c',
      '33',
      '--fail-on',
      'warning',
      '--json',
    ]);
    assert.ok(invocation?.command === 'recommend');
    const o = invocation.options;
    assert.equal(o.workload, 'oltp');
    assert.equal(o.concurrency, 33);
    assert.equal(o.instances, 1);
    assert.equal(o.serverMaxConnections, 100);
    assert.equal(o.format, 'json');
    assert.equal(o.failOn, 'warning');
    assert.equal(o.emit, 'eventcore');
    assert.deepEqual([...o.given].sort(), ['concurrency', 'workload']);
  });

  it('takes --no-color before or after the command', async () => {
    assert.equal((await parse(['--no-color', 'recommend', '-w', 'oltp'])).invocation?.options.color, false);
    assert.equal((await parse(['recommend', '-w', 'oltp', '--no-color'])).invocation?.options.color, false);
    assert.equal((await parse(['recommend', '-w', 'oltp'])).invocation?.options.color, undefined);
  });

  const rejected: [string[], RegExp][] = [
    [['recommend', '--concurrency', '-3'], /--concurrency <n>.*Expected a whole number from 1/],
    [['recommend', '--concurrency', 'abc'], /--concurrency <n>.*'abc' is invalid/],
    [['recommend', '--instances', '0'], /--instances <n>.*'0' is invalid/],
    [['recommend', '--emit', 'django'], /--emit <library>.*Allowed choices are eventcore/],
    [['recommend', '--format', 'yaml'], /--format <format>.*Allowed choices are text, json, markdown/],
    [['recommend', '--fail-on', 'sometimes'], /--fail-on <severity>/],
    [['recommend', '--bogus'], /unknown option '--bogus'/],
    [['recommend', 'extra'], /too many arguments/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of rejected) {
    it(`rejects ${args.join(' ')}`, async () => {
      const { error, stderr } = await parse(args);
      assert.ok(error, 'a commander error');
      assert.match(stderr, message);
      assert.match(stderr, /^pooltune: error: /);
    });
  }
});

describe('bench command line', () => {
  const benchOptions = async (args: string[]) => {
    const { invocation, stderr } = await parse(['bench', ...args]);
    assert.equal(invocation?.command, 'bench', stderr);
    if (invocation?.command !== 'bench') throw new Error('not bench');
    return invocation.options;
  };

  it('reads the pool, the load and the work', async () => {
    const o = await benchOptions([
      '--pool-max',
      '4',
      '--rate',
      '400',
      '--hold-ms',
      '5',
      '--hold-dist',
      'exp',
    ]);
    assert.deepEqual(o.pool, { overrides: { maxConnections: 4 }, spelled: '--pool-max 4' });
    assert.deepEqual(o.arrivals, { kind: 'open', ratePerSecond: 400 });
    assert.deepEqual(o.work, { kind: 'hold', holdMs: 5, distribution: 'exp' });
    assert.equal(o.durationMs, 10_000);
    assert.equal(o.warmupMs, 1000);
    assert.equal(o.yes, false);
    assert.equal((await benchOptions(['--warmup', '0'])).warmupMs, 0);
    assert.deepEqual((await benchOptions([])).work, { kind: 'select-1' });
    assert.equal((await benchOptions([])).arrivals, undefined, 'closed loop of the pool size, decided later');
  });

  it('--compare takes the same pool flags in either spelling; unset ones come from the first pool', async () => {
    for (const spelling of ['--pool-max 8', 'pool-max=8', '--pool-max=8']) {
      const o = await benchOptions(['--pool-max', '4', '--acquire-timeout', '50ms', '--compare', spelling]);
      assert.deepEqual(o.compare?.overrides, { maxConnections: 8, acquireTimeoutMs: 50 }, spelling);
      assert.equal(o.compare?.spelled, '--pool-max 8');
    }
    const rebased = await benchOptions(['--workload', 'oltp', '--compare', '--service api']);
    assert.equal(rebased.compare?.service, 'api');
    assert.equal(rebased.compare?.workload, undefined, 'naming a service drops the first pool’s workload');
  });

  const rejected: [string[], RegExp][] = [
    [['--clients', '4', '--rate', '10'], /'--clients' \(closed loop\) and '--rate' \(open loop\)/],
    [['--hold-ms', '5', '--query', 'select 1'], /'--hold-ms' and '--query' cannot be used together/],
    [['--hold-dist', 'exp'], /'--hold-dist' needs --hold-ms/],
    [['--hold-dist', 'normal', '--hold-ms', '5'], /Allowed choices are fixed, exp/],
    [['--rate', '0'], /--rate <per-second>.*above 0/],
    [['--rate', '-5'], /--rate/],
    [['--rate', '1e3'], /--rate <per-second>.*'1e3' is invalid/],
    [['--hold-ms', '0'], /--hold-ms <ms>.*above 0/],
    [['--compare', '--pool-max eight'], /--compare <pool flags>.*expected pool flags/],
    [['--compare', '--frobnicate 3'], /--compare .*unknown option '--frobnicate'/],
    [['--compare', ''], /--compare/],
    [['--service', 'a', '--workload', 'oltp'], /'--service' and '--workload' both choose/],
    [['--query', '  '], /'--query <sql>' is empty/],
  ];
  for (const [args, message] of rejected) {
    it(`rejects bench ${args.join(' ')}`, async () => {
      const { error, stderr } = await parse(['bench', ...args]);
      assert.ok(error, 'a commander error');
      assert.match(stderr, message);
      assert.match(stderr, /^pooltune: error: /);
    });
  }
});
