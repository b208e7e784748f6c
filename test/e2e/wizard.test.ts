import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
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
const EMIT = /Configuration code to print/;
const PRESET_FILE = /Preset file/;
const AGAIN = /To run this again without the wizard: (pooltune recommend [^\r\n]*)/;

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
    // Answers are the wizard's, not flags.
    assert.match(r.stdout, /workload\s+│ batch\s+│ prompt, built-in preset/);
    assert.match(r.stdout, /instances\s+│ 2\s+│ prompt/);
    assert.doesNotMatch(r.stdout, /│ flag/);
  });

  it('asks which code to print, and echoes the command line that gives the same without it', async () => {
    // env is the last of the seven emitters
    const r = await runOnTerminal(
      ['recommend', '-i'],
      [
        { prompt: WORKLOAD, keys: ENTER },
        { prompt: CONCURRENCY, keys: `33${ENTER}` },
        { prompt: INSTANCES, keys: ENTER },
        { prompt: SERVER_LIMIT, keys: ENTER },
        { prompt: EMIT, keys: `${DOWN.repeat(6)}${ENTER}` },
      ],
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /POOL_MAX_CONNECTIONS=40/);
    const again = AGAIN.exec(r.stdout)?.[1];
    assert.equal(
      again,
      'pooltune recommend --workload oltp --concurrency 33 --instances 1 --server-max-connections 100 --emit env',
    );
    // The echoed command, run without the wizard, prints the same code.
    const scripted = await runCli(again.split(' ').slice(1));
    assert.equal(scripted.code, 0, scripted.stderr);
    assert.match(scripted.stdout, /POOL_MAX_CONNECTIONS=40/);
  });

  it('echoes --db without its password', async () => {
    // Nothing listens on port 1: the wizard and the echo come first, then the connection fails.
    const r = await runOnTerminal(
      [
        'recommend',
        '-i',
        '--db',
        'postgres://app:s3cr3t-pw@127.0.0.1:1/app?password=other-pw',
        '--emit',
        'sqlx',
      ],
      [WORKLOAD, CONCURRENCY, INSTANCES].map((prompt) => ({ prompt, keys: ENTER })),
    );
    assert.equal(r.code, 3, r.stdout);
    assert.equal(
      AGAIN.exec(r.stdout)?.[1],
      'pooltune recommend --db postgres://app@127.0.0.1:1/app --workload oltp --instances 1 --emit sqlx',
    );
    assert.doesNotMatch(r.stdout, /s3cr3t-pw|other-pw/);
  });

  it('asks again for a preset file that cannot be read, at its prompt', async () => {
    const r = await runOnTerminal(
      ['recommend', '-i', '--emit', 'json'],
      [
        { prompt: WORKLOAD, keys: `${DOWN.repeat(3)}${ENTER}` },
        { prompt: PRESET_FILE, keys: `test/fixtures/no-such-preset.json${ENTER}` },
        {
          prompt: /no-such-preset\.json: cannot read the workload file/,
          keys: `${CLEAR_LINE}test/fixtures/small-service.json${ENTER}`,
        },
        { prompt: CONCURRENCY, keys: ENTER },
        { prompt: INSTANCES, keys: ENTER },
        { prompt: SERVER_LIMIT, keys: ENTER },
      ],
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /--workload test\/fixtures\/small-service\.json/);
  });

  it('starts by itself when recommend gets no flags on a terminal', async () => {
    const r = await runOnTerminal(
      ['recommend'],
      [WORKLOAD, CONCURRENCY, INSTANCES, SERVER_LIMIT, EMIT].map((prompt) => ({ prompt, keys: ENTER })),
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
        { prompt: EMIT, keys: ENTER },
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
