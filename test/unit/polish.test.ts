/** Small wording and formatting rules from issue 13, point 20, each on its pure function. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPath } from '../../src/core/display-path.js';
import { jsonErrorWithLine, lineAndColumn } from '../../src/core/json-error.js';
import { plural } from '../../src/core/plural.js';
import { formatWaitMs } from '../../src/core/traffic-sizing.js';
import { EMITTER_BY_NAME } from '../../src/report/emit/index.js';
import { OLTP_33 } from '../helpers/examples.js';

describe('polish', () => {
  it('broken JSON is placed by line and column, not by character offset', () => {
    const text = '{\n  "maxConnections": 12,\n  "name": "x"\n  "description": "y"\n}\n';
    let message = '';
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }
    const placed = jsonErrorWithLine(message, text);
    assert.match(placed, /after property value in JSON at line 4, column 3$/);
    assert.doesNotMatch(placed, /position/);
    assert.deepEqual(lineAndColumn('ab\ncd', 4), { line: 2, column: 2 });
    assert.equal(
      jsonErrorWithLine('Unexpected end of JSON input', '{\n  "a": 1'),
      'the file ends too early, at line 2, column 9',
    );
    // The form without an offset is left as it is.
    assert.equal(
      jsonErrorWithLine(`Unexpected token '}', "{"a": }" is not valid JSON`, '{"a": }'),
      `Unexpected token '}', "{"a": }" is not valid JSON`,
    );
  });

  it('one connection is singular', () => {
    assert.equal(plural(1, 'connection'), '1 connection');
    assert.equal(plural(0, 'connection'), '0 connections');
    assert.equal(plural(2.5, 'connection'), '2.5 connections');
    const one = { ...OLTP_33, maxConnections: 1, minConnections: 1 };
    assert.match(EMITTER_BY_NAME.env({ workload: 'oltp', pool: one }).code, /, 1 connection per instance/);
  });

  it('a wait of none is 0ms, with its unit like every other cell', () => {
    assert.deepEqual([0, 0.001, 0.5].map(formatWaitMs), ['0ms', '<0.01ms', '0.5ms']);
  });

  it('paths inside the working directory are relative, others absolute', () => {
    assert.equal(displayPath('/home/me/app', '/home/me/app/pooltune.config.json'), 'pooltune.config.json');
    assert.equal(displayPath('/home/me/app', '/home/me/app/conf/p.json'), 'conf/p.json');
    assert.equal(displayPath('/home/me/app', '/dev/null'), '/dev/null');
    assert.equal(
      displayPath('/home/me/app', '/home/me/pooltune.config.json'),
      '/home/me/pooltune.config.json',
    );
    assert.equal(displayPath('/home/me/app', '/home/me/app/..foo.json'), '..foo.json');
  });
});
