import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../src/core/units.js';
import { parseCount } from '../../src/core/numbers.js';

describe('durations in PostgreSQL units', () => {
  const cases: [string, number | undefined][] = [
    ['500ms', 500],
    ['5s', 5000],
    ['10min', 600_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    ['250us', 0.25],
    [' 2s ', 2000],
    ['0', 0],
    ['5', undefined],
    ['-5s', undefined],
    ['5 parsecs', undefined],
    ['s', undefined],
    ['', undefined],
    ['NaN', undefined],
    ['1e3s', undefined],
    ['99999999999999999999h', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${String(expected)}`, () => assert.equal(parseDuration(text), expected));
  }

  it('formats with the largest exact unit', () => {
    assert.deepEqual([300_000, 2000, 1500, 7_200_000, 0, 86_400_000].map(formatDuration), [
      '5min',
      '2s',
      '1500ms',
      '2h',
      '0',
      '1d',
    ]);
  });
});

describe('sizes in PostgreSQL units (powers of 1024, case-sensitive)', () => {
  it('parses', () => {
    assert.equal(parseSize('4MB'), 4 * 1024 * 1024);
    assert.equal(parseSize('64kB'), 65_536);
    assert.equal(parseSize('1GB'), 1024 ** 3);
    assert.equal(parseSize('8192'), 8192);
    assert.equal(parseSize('4mb'), undefined);
    assert.equal(parseSize('4 MiB'), undefined);
  });
  it('formats', () => {
    assert.deepEqual([4 * 1024 * 1024, 65_536, 1000].map(formatSize), ['4MB', '64kB', '1000B']);
  });
});

describe('counts', () => {
  const range = { min: 1, max: 100 };
  it('takes plain whole numbers in range only', () => {
    assert.equal(parseCount('33', range), 33);
    assert.equal(parseCount(' 7 ', range), 7);
    for (const bad of ['0', '-3', '3.5', '1e2', '0x10', 'abc', '', '101', '١٢']) {
      assert.equal(parseCount(bad, range), undefined, bad);
    }
  });
});
