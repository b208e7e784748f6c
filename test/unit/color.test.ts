import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorLevel, styleFor } from '../../src/ui/color.js';
import type { Io } from '../../src/ui/io.js';

function io(env: Record<string, string>, isTTY: boolean): Io {
  const stream = { write: async () => {}, isTTY };
  return { stdout: stream, stderr: stream, stdinIsTTY: isTTY, env, cwd: '/', addSecret: () => {} };
}

describe('colour policy', () => {
  it('colours a terminal and not a pipe', () => {
    assert.equal(colorLevel(io({}, true), undefined), 1);
    assert.equal(colorLevel(io({}, false), undefined), 0);
  });
  it('NO_COLOR and --no-color win over a terminal and over FORCE_COLOR', () => {
    assert.equal(colorLevel(io({ NO_COLOR: '1' }, true), undefined), 0);
    assert.equal(colorLevel(io({ NO_COLOR: '1', FORCE_COLOR: '1' }, true), undefined), 0);
    assert.equal(colorLevel(io({ FORCE_COLOR: '1' }, true), false), 0);
  });
  it('an empty NO_COLOR does not count', () => {
    assert.equal(colorLevel(io({ NO_COLOR: '' }, true), undefined), 1);
  });
  it('FORCE_COLOR colours a pipe, and FORCE_COLOR=0 turns a terminal off', () => {
    assert.equal(colorLevel(io({ FORCE_COLOR: '1' }, false), undefined), 1);
    assert.equal(colorLevel(io({ FORCE_COLOR: '3' }, false), undefined), 3);
    assert.equal(colorLevel(io({ FORCE_COLOR: '0' }, true), undefined), 0);
  });
  it('TERM=dumb gets no colour', () => {
    assert.equal(colorLevel(io({ TERM: 'dumb' }, true), undefined), 0);
  });
  it('level 0 styles are the identity and level 1 emits escapes', async () => {
    assert.equal((await styleFor(0)).red('x'), 'x');
    assert.notEqual((await styleFor(1)).red('x'), 'x');
  });
});
