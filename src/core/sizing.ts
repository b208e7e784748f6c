import type { Finding, HintId } from './findings.js';
import {
  BUDGET_SHARE,
  BUDGET_SHARE_PERCENT,
  budgetShare,
  HEADROOM_FACTOR,
  LARGE_TIER_CONNECTIONS,
  slotsForShare,
  withHeadroom,
} from './guide.js';
import { otherClients, usableSlots, type ServerFacts } from './server-facts.js';
import { minConnectionsFor, type PoolSettings, type WorkloadPreset } from './workload.js';

export { BUDGET_SHARE, HEADROOM_FACTOR, LARGE_TIER_CONNECTIONS };

export type ValueSource = 'preset' | 'formula' | 'flag' | 'default' | 'server' | 'plan' | 'traffic';

/** Where the server's connection budget comes from and what of it is already spoken for. */
export interface ServerBudget {
  readonly maxConnections: number;
  /** superuser_reserved_connections (+ reserved_connections on 16+). */
  readonly reservedConnections: number;
  /** Slots held by other applications that this fleet cannot use. */
  readonly otherConnections: number;
  readonly source: ValueSource;
  /** The settings the reserved slots add up from, when read from a server. */
  readonly reservedParts?: readonly { readonly name: string; readonly value: number }[];
  /** What the slots held by others are, when counted on a server. */
  readonly otherDescription?: string;
}

export interface SizingInput {
  readonly preset: WorkloadPreset;
  /** Expected concurrent requests per application instance; absent means "use the preset's size". */
  readonly concurrency?: number;
  readonly instances: number;
  readonly budget: ServerBudget;
}

export interface TraceStep {
  readonly label: string;
  readonly formula: string;
  /** The formula with the actual numbers put in. */
  readonly computation: string;
  readonly value: number;
}

export interface SettingRow {
  readonly key: keyof PoolSettings;
  readonly source: ValueSource;
}

export interface Recommendation {
  readonly workload: string;
  readonly pool: PoolSettings;
  readonly sources: Readonly<Record<keyof PoolSettings, ValueSource>>;
  readonly trace: readonly TraceStep[];
  readonly fleet: {
    readonly instances: number;
    readonly totalConnections: number;
    readonly usableSlots: number;
    readonly perInstanceCap: number;
  };
}

export interface SizingResult {
  readonly recommendation: Recommendation;
  readonly findings: readonly Finding[];
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/**
 * The guide's formula, made budget-aware:
 *   perInstanceBudget = (max_connections − reserved − held by others) / instances
 *   max = min(ceil(concurrency × 1.2), floor(perInstanceBudget × 0.8)), or the preset's size without concurrency
 *   min = the preset's fraction of max, at least 1
 */
export function recommendPool(input: SizingInput): SizingResult {
  const { preset, concurrency, instances, budget } = input;
  const trace: TraceStep[] = [];
  const findings: Finding[] = [];

  const usable = budget.maxConnections - budget.reservedConnections - budget.otherConnections;
  if (budget.reservedParts && budget.reservedParts.length > 0) {
    trace.push({
      label: 'reserved slots',
      formula: budget.reservedParts.map((p) => p.name).join(' + '),
      computation: budget.reservedParts.map((p) => String(p.value)).join(' + '),
      value: budget.reservedConnections,
    });
  }
  if (budget.otherDescription) {
    trace.push({
      label: 'held by others',
      formula: budget.otherDescription,
      computation: String(budget.otherConnections),
      value: budget.otherConnections,
    });
  }
  trace.push({
    label: 'usable server slots',
    formula: `server max_connections${budget.source === 'server' ? ' (read from the server)' : ''} − reserved − held by others`,
    computation: `${budget.maxConnections} − ${budget.reservedConnections} − ${budget.otherConnections}`,
    value: usable,
  });
  const perInstanceBudget = usable / instances;
  trace.push({
    label: 'budget per instance',
    formula: 'usable slots ÷ instances',
    computation: `${usable} ÷ ${instances}`,
    value: Math.round(perInstanceBudget * 100) / 100,
  });
  const cap = Math.max(0, budgetShare(usable, instances));
  trace.push({
    label: 'cap per instance',
    formula: `floor(budget per instance × ${BUDGET_SHARE})`,
    computation: `floor(${fmt(perInstanceBudget)} × ${BUDGET_SHARE}) = floor(${fmt(perInstanceBudget * BUDGET_SHARE)})`,
    value: cap,
  });

  let maxConnections: number;
  let maxSource: ValueSource;
  if (concurrency !== undefined) {
    const demand = withHeadroom(concurrency);
    trace.push({
      label: 'demand with headroom',
      formula: `ceil(concurrency × ${HEADROOM_FACTOR})`,
      computation: `ceil(${concurrency} × ${HEADROOM_FACTOR}) = ceil(${fmt(concurrency * HEADROOM_FACTOR)})`,
      value: demand,
    });
    maxConnections = Math.min(demand, cap);
    maxSource = 'formula';
    trace.push({
      label: 'max_connections',
      formula: 'min(demand with headroom, cap per instance)',
      computation: `min(${demand}, ${cap})`,
      value: maxConnections,
    });
    if (demand > cap) findings.push(shortfallFinding(input, usable, demand, cap));
  } else {
    const presetMax = preset.pool.maxConnections;
    maxConnections = Math.min(presetMax, cap);
    maxSource = maxConnections === presetMax ? 'preset' : 'formula';
    trace.push({
      label: 'max_connections',
      formula: `min(${preset.name} preset size, cap per instance)`,
      computation: `min(${presetMax}, ${cap})`,
      value: maxConnections,
    });
    if (presetMax > cap) findings.push(presetOverBudgetFinding(input, usable, presetMax, cap));
  }

  if (maxConnections < 1) {
    findings.push(noRoomFinding(input, usable));
    maxConnections = 1;
  }

  // Without a computed max the preset's own min stands, unless the budget shrank the pool below it.
  const keepPresetMin = maxSource === 'preset';
  const minConnections = keepPresetMin
    ? preset.pool.minConnections
    : minConnectionsFor(maxConnections, preset.minConnectionsFraction);
  trace.push(
    keepPresetMin
      ? {
          label: 'min_connections',
          formula: `${preset.name} preset`,
          computation: String(preset.pool.minConnections),
          value: minConnections,
        }
      : {
          label: 'min_connections',
          formula: 'max(1, round(max_connections × preset fraction))',
          computation: `max(1, round(${maxConnections} × ${preset.minConnectionsFraction}))`,
          value: minConnections,
        },
  );

  const total = maxConnections * instances;
  findings.push(...fleetFindings(input, usable, total));

  const pool: PoolSettings = { ...preset.pool, maxConnections, minConnections };
  return {
    recommendation: {
      workload: preset.name,
      pool,
      sources: {
        maxConnections: maxSource,
        minConnections: keepPresetMin ? 'preset' : 'formula',
        acquireTimeoutMs: 'preset',
        queryTimeoutMs: 'preset',
        idleTimeoutMs: 'preset',
        maxLifetimeMs: 'preset',
        testBeforeAcquire: 'preset',
        retries: 'preset',
      },
      trace,
      fleet: { instances, totalConnections: total, usableSlots: usable, perInstanceCap: cap },
    },
    findings,
  };
}

/** The smallest server max_connections whose per-instance cap still carries `demand`. */
export function maxConnectionsNeeded(demand: number, instances: number, budget: ServerBudget): number {
  const spokenFor = budget.reservedConnections + budget.otherConnections;
  let usable = slotsForShare(demand * instances);
  while (budgetShare(usable, instances) < demand) usable += 1;
  return usable + spokenFor;
}

/** The most instances whose per-instance cap still carries `demand`, or 0 when not even one fits. */
export function instancesThatFit(demand: number, usable: number): number {
  if (demand < 1) return 0;
  return Math.max(0, budgetShare(usable, demand));
}

function budgetObserved(input: SizingInput, usable: number): string {
  const { budget, instances } = input;
  return `${usable} usable slots (max_connections ${budget.maxConnections}, ${budget.reservedConnections} reserved, ${budget.otherConnections} held by others) shared by ${instances} instance${instances === 1 ? '' : 's'}`;
}

function remedies(input: SizingInput, demand: number, usable: number): { hints: HintId[]; sql: string[] } {
  const needed = maxConnectionsNeeded(demand, input.instances, input.budget);
  const hints: HintId[] = ['raise-max-connections'];
  if (input.instances > 1) hints.push('fewer-instances');
  if (needed > LARGE_TIER_CONNECTIONS || demand * input.instances > usable) hints.push('pgbouncer');
  return { hints, sql: [`ALTER SYSTEM SET max_connections = ${needed};`] };
}

function shortfallFinding(input: SizingInput, usable: number, demand: number, cap: number): Finding {
  const concurrency = input.concurrency ?? 0;
  const needed = maxConnectionsNeeded(demand, input.instances, input.budget);
  const fit = instancesThatFit(demand, usable);
  const severe = cap < concurrency;
  const { hints, sql } = remedies(input, demand, usable);
  const shortBy = demand - cap;
  const fewer = input.instances > 1 ? `, or run at most ${fit} instance${fit === 1 ? '' : 's'}` : '';
  return {
    id: 'budget-shortfall',
    severity: severe ? 'critical' : 'warning',
    title: severe
      ? `The server budget carries ${cap} connections per instance, ${concurrency - cap} short of the ${concurrency} expected concurrent requests: requests will queue for a connection`
      : `The server budget carries ${cap} connections per instance: enough for ${concurrency} concurrent requests, but ${shortBy} short of the ${Math.round((HEADROOM_FACTOR - 1) * 100)} % headroom (${demand})`,
    observed: budgetObserved(input, usable),
    expected: `max_connections of at least ${needed} to give each instance ${demand}${fewer}`,
    fix: { sql, restart: true },
    hints,
  };
}

function presetOverBudgetFinding(
  input: SizingInput,
  usable: number,
  presetMax: number,
  cap: number,
): Finding {
  const { hints, sql } = remedies(input, presetMax, usable);
  return {
    id: 'preset-exceeds-budget',
    severity: 'warning',
    title: `The ${input.preset.name} preset's pool of ${presetMax} does not fit the server budget; capped at ${cap} per instance`,
    observed: budgetObserved(input, usable),
    expected: `at most ${BUDGET_SHARE_PERCENT} % of the usable slots across all instances`,
    fix: { sql, restart: true },
    hints,
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
    hints: ['raise-max-connections', 'fewer-instances', 'pgbouncer'],
  };
}

export function fleetFindings(input: SizingInput, usable: number, total: number): Finding[] {
  const findings: Finding[] = [];
  if (usable > 0) {
    const share = Math.round((total / usable) * 100);
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
      hints: ['pgbouncer'],
    });
  }
  return findings;
}

/** The budget as the server states it: max_connections, its reserved slots, and optionally who holds slots now. */
export function budgetFromServer(facts: ServerFacts, accountForOthers: boolean): ServerBudget {
  const slots = usableSlots(facts);
  const reservedParts = [{ name: 'superuser_reserved_connections', value: slots.superuserReserved }];
  if (facts.settings.has('reserved_connections'))
    reservedParts.push({ name: 'reserved_connections', value: slots.reserved });
  const others = otherClients(facts);
  return {
    maxConnections: slots.max,
    reservedConnections: slots.superuserReserved + slots.reserved,
    otherConnections: accountForOthers ? others : 0,
    source: 'server',
    reservedParts,
    ...(accountForOthers ? { otherDescription: 'client connections open now, besides pooltune' } : {}),
  };
}
