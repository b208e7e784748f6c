import { instancesThatFit, maxConnectionsNeeded, type SizingInput } from '../budget.js';
import type { Finding } from '../findings.js';
import {
  budgetShare,
  BUDGET_SHARE_PERCENT,
  HEADROOM_FACTOR,
  LARGE_TIER_CONNECTIONS,
  utilisationPercent,
} from '../guide.js';
import type { SizingObservation } from './input.js';
import { defineFamily } from './registry.js';
import { outcome } from './types.js';

function budgetObserved(input: SizingInput, usable: number): string {
  const { budget, instances } = input;
  return `${usable} usable slots (max_connections ${budget.maxConnections}, ${budget.reservedConnections} reserved, ${budget.otherConnections} held by others) shared by ${instances} instance${instances === 1 ? '' : 's'}`;
}

function maxConnectionsFix(input: SizingInput, demand: number): string[] {
  return [
    `ALTER SYSTEM SET max_connections = ${maxConnectionsNeeded(demand, input.instances, input.budget)};`,
  ];
}

function shortfallFinding(input: SizingInput, usable: number, demand: number, cap: number): Finding {
  const concurrency = input.concurrency ?? 0;
  const needed = maxConnectionsNeeded(demand, input.instances, input.budget);
  const fit = instancesThatFit(demand, usable);
  const severe = cap < concurrency;
  const sql = maxConnectionsFix(input, demand);
  const shortBy = demand - cap;
  // "At most 0 instances" is no advice: when not even one fits, say what one instance alone would get.
  const fewer =
    input.instances <= 1
      ? ''
      : fit > 0
        ? `, or run at most ${fit} instance${fit === 1 ? '' : 's'}`
        : `; not even one instance fits: a single instance would get at most ${budgetShare(usable)} of the ${usable} usable slots`;
  return {
    id: 'budget-shortfall',
    severity: severe ? 'critical' : 'warning',
    title: severe
      ? `The server budget carries ${cap} connections per instance, ${concurrency - cap} short of the ${concurrency} expected concurrent requests: requests will queue for a connection`
      : `The server budget carries ${cap} connections per instance: enough for ${concurrency} concurrent requests, but ${shortBy} short of the ${Math.round((HEADROOM_FACTOR - 1) * 100)} % headroom (${demand})`,
    observed: budgetObserved(input, usable),
    expected: `max_connections of at least ${needed} to give each instance ${demand}${fewer}`,
    fix: { sql, restart: true },
  };
}

function presetOverBudgetFinding(
  input: SizingInput,
  usable: number,
  presetMax: number,
  cap: number,
): Finding {
  const sql = maxConnectionsFix(input, presetMax);
  return {
    id: 'preset-exceeds-budget',
    severity: 'warning',
    title: `The ${input.preset.name} preset's pool of ${presetMax} does not fit the server budget; capped at ${cap} per instance`,
    observed: budgetObserved(input, usable),
    expected: `at most ${BUDGET_SHARE_PERCENT} % of the usable slots across all instances`,
    fix: { sql, restart: true },
  };
}

function noRoomFinding(input: SizingInput, usable: number): Finding {
  return {
    id: 'budget-exhausted',
    severity: 'critical',
    title:
      usable <= 0
        ? 'The server has no connection slots left for this service: reserved and other connections take them all'
        : `The server's ${usable} usable slots, shared by ${input.instances} instances, leave less than one connection each`,
    observed: budgetObserved(input, usable),
    expected: `at least one connection per instance within ${BUDGET_SHARE_PERCENT} % of the usable slots`,
  };
}

/** The fleet at peak against the usable slots, and the guide's large tier. */
export function fleetFindings(input: SizingInput, usable: number, total: number): Finding[] {
  const findings: Finding[] = [];
  if (usable > 0) {
    const share = utilisationPercent(total, usable);
    findings.push({
      id: 'fleet-fits-budget',
      severity: total <= usable ? 'ok' : 'critical',
      title: `${input.instances} × ${total / input.instances} = ${total} connections at peak, ${share} % of the ${usable} usable server slots`,
      observed: `${total} connections`,
      expected: `at most ${usable}`,
    });
  }
  if (total > LARGE_TIER_CONNECTIONS) {
    findings.push({
      id: 'large-tier',
      severity: 'info',
      title: `${total} connections at peak puts this fleet in the guide's large tier (over ${LARGE_TIER_CONNECTIONS}), where a pooler such as PgBouncer pays off`,
    });
  }
  return findings;
}

const byConcurrency = (s: SizingObservation) => s.input.concurrency !== undefined;

/** recommend's family: the size it chose against the server budget. */
export const sizingChecks = defineFamily('sizing', [
  {
    id: 'budget-shortfall',
    run: (s) =>
      outcome(
        byConcurrency(s) && s.wanted > s.cap ? [shortfallFinding(s.input, s.usable, s.wanted, s.cap)] : [],
      ),
  },
  {
    id: 'preset-exceeds-budget',
    run: (s) =>
      outcome(
        !byConcurrency(s) && s.wanted > s.cap
          ? [presetOverBudgetFinding(s.input, s.usable, s.wanted, s.cap)]
          : [],
      ),
  },
  {
    id: 'budget-exhausted',
    run: (s) => outcome(Math.min(s.wanted, s.cap) < 1 ? [noRoomFinding(s.input, s.usable)] : []),
  },
  { id: 'fleet-fits-budget', run: (s) => outcome(fleetFindings(s.input, s.usable, s.total)) },
]);
