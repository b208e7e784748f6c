import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOnTerminal } from '../helpers/terminal.js';

const DOWN = '\u001b[B';
const ENTER = '\r';
const CTRL_C = '\u0003';
const CLEAR_LINE = '\u0015';

// Each prompt by words of its question, as the screen shows it.
const WORKLOAD = /Workload/;
const CONCURRENCY = /concurrent requests per instance/;
const INSTANCES = /instances sharing the server/;
const SERVER_LIMIT = /max_connections/;

describe('the recommend wizard on a terminal', () => {
  it('asks workload, concurrency, instances and server limit, then recommends', async () => {
    // batch (one down from oltp), 33 concurrent requests, 2 instances, the default max_connections of 100
    const r = await runOnTerminal(
      ['recommend', '-i', '--emit', 'json'],
      [
        { prompt: WORKLOAD, keys: `${DOWN}${ENTER}` },
        { prompt: CONCURRENCY, keys: `33${ENTER}` },
        { prompt: INSTANCES, keys: `2${ENTER}` },
        { prompt: SERVER_LIMIT, keys: ENTER },
      ],
    );
    assert.equal(r.code, 0, r.stdout);
    for (const question of [
      'Workload',
      'concurrent requests per instance',
      'instances sharing the server',
      'max_connections',
    ]) {
      assert.match(r.stdout, new RegExp(question));
    }
    assert.match(r.stdout, /"workload": "batch"/);
    // 100 less PostgreSQL's 3 reserved slots, shared by 2: floor(97 ÷ 2 × 0.8) = 38 each.
    assert.match(r.stdout, /"maxConnections": 38/);
    assert.match(r.stdout, /2 × 38 = 76 connections at peak/);
  });

  it('starts by itself when recommend gets no flags on a terminal', async () => {
    const r = await runOnTerminal(
      ['recommend'],
      [WORKLOAD, CONCURRENCY, INSTANCES, SERVER_LIMIT].map((prompt) => ({ prompt, keys: ENTER })),
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /max_connections\s+│ 50\s+│ oltp preset/);
  });

  it('rejects a bad answer in place and asks again', async () => {
    const r = await runOnTerminal(
      ['recommend', '-i'],
      [
        { prompt: WORKLOAD, keys: ENTER },
        { prompt: CONCURRENCY, keys: `-4${ENTER}` },
        { prompt: /Enter a whole number from 1 to 100000/, keys: `${CLEAR_LINE}12${ENTER}` },
        { prompt: INSTANCES, keys: ENTER },
        { prompt: SERVER_LIMIT, keys: ENTER },
      ],
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Enter a whole number from 1 to 100000/);
    assert.match(r.stdout, /ceil\(12 × 1\.2\)/);
  });

  it('Ctrl-C at a prompt exits 130 without a stack trace', async () => {
    const r = await runOnTerminal(['recommend', '-i'], [{ prompt: WORKLOAD, keys: CTRL_C }]);
    assert.equal(r.code, 130);
    assert.match(r.stdout, /pooltune: error: cancelled at the prompt/);
    assert.doesNotMatch(r.stdout, /\n\s+at /);
  });
});
