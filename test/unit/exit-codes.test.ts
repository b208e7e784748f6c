import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT_CODE, exitCodeFor } from '../../src/core/exit-codes.js';
import type { Finding, Severity } from '../../src/core/findings.js';

const finding = (severity: Severity): Finding => ({ id: 'slot-usage', severity, title: severity });

describe('exitCodeFor', () => {
  const table: [Severity[], 'info' | 'warning' | 'critical' | 'never', number][] = [
    [[], 'info', 0],
    [['ok'], 'info', 0],
    [['info'], 'info', 1],
    [['info'], 'warning', 0],
    [['warning'], 'warning', 1],
    [['warning'], 'critical', 0],
    [['critical'], 'critical', 1],
    [['ok', 'critical'], 'never', 0],
    [['ok', 'info', 'warning'], 'critical', 0],
  ];
  for (const [severities, failOn, expected] of table) {
    it(`[${severities.join(', ')}] with --fail-on ${failOn} → ${expected}`, () => {
      assert.equal(exitCodeFor(severities.map(finding), failOn), expected);
    });
  }

  it('keeps the documented contract', () => {
    assert.deepEqual(EXIT_CODE, { ok: 0, gateFailed: 1, usage: 2, unreachable: 3, cancelled: 130 });
  });
});
