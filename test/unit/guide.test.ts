import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUDGET_SHARE,
  BUDGET_SHARE_PERCENT,
  budgetShare,
  CONNECTION_TIERS,
  HEADROOM_FACTOR,
  LARGE_TIER_CONNECTIONS,
  slotsForShare,
  spareSlots,
  UTILISATION_BANDS,
  utilisationPercent,
  utilisationSeverity,
  withHeadroom,
} from '../../src/core/guide.js';

describe("the guide's numbers", () => {
  it('states the formula as the guide writes it: × 1.2 headroom, × 0.8 of the server', () => {
    assert.equal(HEADROOM_FACTOR, 1.2);
    assert.equal(BUDGET_SHARE, 0.8);
    assert.equal(BUDGET_SHARE_PERCENT, 80);
  });

  it('computes with exact fractions: 33 × 1.2 is 39.6, so 40; 50 × 0.8 is 40', () => {
    assert.deepEqual([1, 5, 33, 100].map(withHeadroom), [2, 6, 40, 120]);
    assert.deepEqual(
      [1, 5, 10, 50, 97].map((n) => budgetShare(n)),
      [0, 4, 8, 40, 77],
    );
    assert.equal(budgetShare(97, 4), 19);
    for (const connections of [1, 7, 40, 199]) {
      const slots = slotsForShare(connections);
      assert.ok(budgetShare(slots + 1) >= connections, `${connections}`);
      assert.ok(budgetShare(slots - 1) < connections, `${connections}`);
    }
  });

  it('has one large tier, where the tiers say it starts', () => {
    assert.equal(CONNECTION_TIERS.find((t) => t.name === 'large production')?.from, LARGE_TIER_CONNECTIONS);
  });

  it('judges utilisation in one way: whole percent, under 70 % ok, above 85 % critical', () => {
    assert.deepEqual(
      [utilisationPercent(17, 20), utilisationPercent(1, 3), utilisationPercent(0, 0)],
      [85, 33, 100],
    );
    assert.deepEqual([69, 70, 85, 86].map(utilisationSeverity), ['ok', 'warning', 'warning', 'critical']);
    assert.equal(UTILISATION_BANDS, '70–85 % warning, above 85 % critical');
  });

  it('leaves 2 slots spare, or a tenth of the usable ones', () => {
    assert.deepEqual([5, 20, 97, 300].map(spareSlots), [2, 2, 10, 30]);
  });
});
