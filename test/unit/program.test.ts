import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { createProgram, type Invocation } from '../../src/program.js';
import type { Io } from '../../src/ui/io.js';

function parse(args: string[]): { invocation?: Invocation; stderr: string; error?: CommanderError } {
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
  const program = createProgram(io, '0.0.0-test', (i) => (invocation = i));
  try {
    program.parse(['node', 'pooltune', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) return { stderr, error };
    throw error;
  }
  return { ...(invocation ? { invocation } : {}), stderr };
}

describe('command-line parsing', () => {
  it('reads the recommend inputs and records which were given', () => {
    const { invocation } = parse([
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

  it('takes --no-color before or after the command', () => {
    assert.equal(parse(['--no-color', 'recommend', '-w', 'oltp']).invocation?.options.color, false);
    assert.equal(parse(['recommend', '-w', 'oltp', '--no-color']).invocation?.options.color, false);
    assert.equal(parse(['recommend', '-w', 'oltp']).invocation?.options.color, undefined);
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
    it(`rejects ${args.join(' ')}`, () => {
      const { error, stderr } = parse(args);
      assert.ok(error, 'a commander error');
      assert.match(stderr, message);
      assert.match(stderr, /^pooltune: error: /);
    });
  }
});
