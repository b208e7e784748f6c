import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInProcess } from '../helpers/in-process.js';

interface Finding {
  readonly id: string;
  readonly expected?: string;
}

async function findings(args: readonly string[]): Promise<Finding[]> {
  const r = await runInProcess([...args, '--format', 'json']);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
}

describe('advice a user can act on', () => {
  it('when not even one instance gets its demand, says so instead of "run at most 0 instances"', async () => {
    // 97 usable slots (100 less PostgreSQL's 3 reserved): one instance alone gets at most 77, and oltp at
    // concurrency 100 wants 120.
    const shortfall = (await findings(['recommend', '-w', 'oltp', '-c', '100', '--instances', '2'])).find(
      (f) => f.id === 'budget-shortfall',
    );
    assert.ok(shortfall, 'a budget-shortfall finding');
    assert.doesNotMatch(shortfall.expected ?? '', /at most 0 instance/);
    assert.match(
      shortfall.expected ?? '',
      /not even one instance fits: a single instance would get at most 77 of the 97 usable slots/,
    );
  });

  it('when fewer instances would fit, still names how many', async () => {
    // One instance wants ceil(30 × 1.2) = 36; 80 % of 97 slots holds two of them.
    const shortfall = (await findings(['recommend', '-w', 'oltp', '-c', '30', '--instances', '4'])).find(
      (f) => f.id === 'budget-shortfall',
    );
    assert.ok(shortfall, 'a budget-shortfall finding');
    assert.match(shortfall.expected ?? '', /or run at most 2 instances/);
  });
});
