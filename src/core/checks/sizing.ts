import { plural } from '../plural.js';
import { instancesThatFit, maxConnectionsNeeded, type ServerBudget, type SizingInput } from '../budget.js';
import type { Finding, Fix } from '../findings.js';
import { MAX_CONNECTIONS_SETTING, settingFixFor } from './fix.js';
import {
  budgetShare,
  BUDGET_SHARE_PERCENT,
  HEADROOM_FACTOR,
  LARGE_TIER_CONNECTIONS,
  UTILISATION_BANDS,
  UTILISATION_WARNING_PERCENT,
  utilisationPercent,
  utilisationSeverity,
} from '../guide.js';
import type { SizingObservation } from './input.js';
import { defineFamily } from './registry.js';
import { outcome } from './types.js';

function budgetObserved(input: SizingInput, usable: number): string {
  const { budget, instances } = input;
  return `${usable} usable slots (max_connections ${budget.maxConnections}, ${budget.reservedConnections} reserved, ${budget.otherConnections} held by others) shared by ${instances} instance${instances === 1 ? '' : 's'}`;
}

function maxConnectionsFix(input: SizingInput, demand: number): Fix {
  return settingFixFor(
    input.budget.access,
    'max_connections',
    maxConnectionsNeeded(demand, input.instances, input.budget),
    MAX_CONNECTIONS_SETTING,
  );
}

function shortfallFinding(input: SizingInput, usable: number, demand: number, cap: number): Finding {
  const concurrency = input.concurrency ?? 0;
  const needed = maxConnectionsNeeded(demand, input.instances, input.budget);
  const fit = instancesThatFit(demand, usable);
  const severe = cap < concurrency;
  const fix = maxConnectionsFix(input, demand);
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
      ? `The server budget carries ${plural(cap, 'connection')} per instance, ${concurrency - cap} short of the ${concurrency} expected concurrent requests: requests will queue for a connection`
      : `The server budget carries ${plural(cap, 'connection')} per instance: enough for ${concurrency} concurrent requests, but ${shortBy} short of the ${Math.round((HEADROOM_FACTOR - 1) * 100)} % headroom (${demand})`,
    observed: budgetObserved(input, usable),
    expected: `max_connections of at least ${needed} to give each instance ${demand}${fewer}`,
    fix,
  };
}

function presetOverBudgetFinding(
  input: SizingInput,
  usable: number,
  presetMax: number,
  cap: number,
): Finding {
  const fix = maxConnectionsFix(input, presetMax);
  return {
    id: 'preset-exceeds-budget',
    severity: 'warning',
    title: `The ${input.preset.name} preset's pool of ${presetMax} does not fit the server budget; capped at ${cap} per instance`,
    observed: budgetObserved(input, usable),
    expected: `at most ${BUDGET_SHARE_PERCENT} % of the usable slots across all instances`,
    fix,
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
      title: `${input.instances} × ${total / input.instances} = ${plural(total, 'connection')} at peak, ${share} % of the ${usable} usable server slots`,
      observed: `${plural(total, 'connection')}`,
      expected: `at most ${usable}`,
    });
  }
  // Behind a pooler the guide's advice for its large tier is followed already.
  if (total > LARGE_TIER_CONNECTIONS && input.pooler === undefined) {
    findings.push({
      id: 'large-tier',
      severity: 'info',
      title: `${plural(total, 'connection')} at peak puts this fleet in the guide's large tier (over ${LARGE_TIER_CONNECTIONS}), where a pooler such as PgBouncer pays off`,
    });
  }
  return findings;
}

/**
 * Sized against the whole budget (no --account-for-others), the slots other clients hold right now still
 * matter: a full server refuses the pool's first connection. Said when those clients leave the fleet
 * short of slots now, or fill the usable slots into the warning band; nothing when the fleet fits.
 */
export function heldNowFinding(budget: ServerBudget, total: number): Finding | undefined {
  const held = budget.heldNow;
  if (!held || held.counted || held.connections < 1) return undefined;
  const usable = budget.maxConnections - budget.reservedConnections - budget.otherConnections;
  if (usable < 1) return undefined; // budget-exhausted says it
  const free = Math.max(0, usable - held.connections);
  const share = utilisationPercent(held.connections, usable);
  const band = utilisationSeverity(share);
  if (total <= free && band === 'ok') return undefined;
  const taken = `Other clients hold ${held.connections} of the ${usable} usable slots right now (${share} %)`;
  const counted = 'this size counts them as free; --account-for-others sizes within the free slots';
  return {
    id: 'slots-held-now',
    severity: free === 0 ? 'critical' : 'warning',
    title:
      free === 0
        ? `${taken}: the server refuses ordinary roles' connections until some close, so the pool could not open one; ${counted}`
        : total > free
          ? `${taken}, leaving ${free} free: the fleet's ${plural(total, 'connection')} at peak would not all get a slot now; ${counted}`
          : `${taken}, leaving ${free} free: little headroom; ${counted}`,
    observed: `${held.connections} client connections besides pooltune's; ${usable} usable slots`,
    expected: `the fleet's ${plural(total, 'connection')} within the ${free} slots free now, and under ${UTILISATION_WARNING_PERCENT} % in use (${UTILISATION_BANDS})`,
  };
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
