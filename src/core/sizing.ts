import { settingAccess } from './checks/fix.js';
import type { ServerBudget, SizingInput, ValueSource } from './budget.js';
import { sizingChecks } from './checks/sizing.js';
import { runChecks } from './checks/registry.js';
import type { Finding } from './findings.js';
import { pooledChainFinding } from './checks/pooled-sizing.js';
import {
  BUDGET_SHARE,
  budgetShare,
  HEADROOM_FACTOR,
  LARGE_TIER_CONNECTIONS,
  MAX_POOL_SIZE,
  withHeadroom,
} from './guide.js';
import type { PooledChain } from './pooler/chain.js';
import { otherClients, usableSlots, type ServerFacts } from './server-facts.js';
import { minConnectionsFor, type PoolSettings } from './workload.js';

export { BUDGET_SHARE, HEADROOM_FACTOR, LARGE_TIER_CONNECTIONS };
export {
  instancesThatFit,
  maxConnectionsNeeded,
  type ServerBudget,
  type SizingInput,
  type ValueSource,
} from './budget.js';
export { fleetFindings, heldNowFinding } from './checks/sizing.js';

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
  /**
   * Present when the pool connects through a pooler: what it was sized against instead of the server's
   * slots. maxClientConn null: the pooler's client limit was not known, and nothing but the demand capped it.
   */
  readonly behindPooler?: {
    readonly mode: PooledChain['mode'];
    readonly maxClientConn: number | null;
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

  const pooled = input.pooler;
  const { usable, cap } = pooled ? pooledCap(pooled, instances, trace) : serverCap(budget, instances, trace);
  const capped = !pooled || pooled.maxClientConn !== undefined;

  let maxConnections: number;
  let wanted: number;
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
    trace.push(
      capped
        ? {
            label: 'max_connections',
            formula: 'min(demand with headroom, cap per instance)',
            computation: `min(${demand}, ${cap})`,
            value: maxConnections,
          }
        : {
            label: 'max_connections',
            formula: `demand with headroom (behind a pooler with no known client limit: no cap)`,
            computation: String(demand),
            value: maxConnections,
          },
    );
    wanted = demand;
  } else {
    const presetMax = preset.pool.maxConnections;
    maxConnections = Math.min(presetMax, cap);
    maxSource = maxConnections === presetMax ? 'preset' : 'formula';
    trace.push(
      capped
        ? {
            label: 'max_connections',
            formula: `min(${preset.name} preset size, cap per instance)`,
            computation: `min(${presetMax}, ${cap})`,
            value: maxConnections,
          }
        : {
            label: 'max_connections',
            formula: `${preset.name} preset size (behind a pooler with no known client limit: no cap)`,
            computation: String(presetMax),
            value: maxConnections,
          },
    );
    wanted = presetMax;
  }

  // No room at all still recommends one connection; the budget-exhausted finding says why it will not do.
  if (maxConnections < 1) maxConnections = 1;

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
  // Behind a pooler the server's slots are the pooler's server pool's business (--emit pgbouncer sizes it).
  const findings = pooled
    ? [
        pooledChainFinding(pooled, {
          instances,
          cap,
          wanted,
          total,
          byConcurrency: concurrency !== undefined,
        }),
      ]
    : runChecks([sizingChecks], { sizing: { input, usable, cap, wanted, total } }).findings;

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
      ...(pooled ? { behindPooler: { mode: pooled.mode, maxClientConn: pooled.maxClientConn ?? null } } : {}),
    },
    findings,
  };
}

/** The guide's budget steps: the server's usable slots, shared by the instances, at its share. */
function serverCap(
  budget: ServerBudget,
  instances: number,
  trace: TraceStep[],
): { usable: number; cap: number } {
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
  return { usable, cap };
}

/**
 * Behind a pooler each application connection is a pooler client: the pooler's client limit, shared by the
 * instances, is the cap. Client connections cost the server nothing, so the guide's share does not apply;
 * unknown, there is no cap at all (MAX_POOL_SIZE stands in for it, so the numbers stay numbers).
 */
function pooledCap(
  pooled: PooledChain,
  instances: number,
  trace: TraceStep[],
): { usable: number; cap: number } {
  const limit = pooled.maxClientConn;
  if (limit === undefined) return { usable: 0, cap: MAX_POOL_SIZE };
  trace.push({
    label: 'pooler client slots',
    formula: `the pooler's max_client_conn (${pooled.mode} mode)`,
    computation: String(limit),
    value: limit,
  });
  const cap = Math.floor(limit / instances);
  trace.push({
    label: 'cap per instance',
    formula: 'floor(max_client_conn ÷ instances)',
    computation: `floor(${limit} ÷ ${instances})`,
    value: cap,
  });
  return { usable: limit, cap };
}

/** The budget as the server states it: max_connections, its reserved slots, and optionally who holds slots now. */
export function budgetFromServer(facts: ServerFacts, accountForOthers: boolean): ServerBudget {
  const slots = usableSlots(facts);
  const reservedParts = [{ name: 'superuser_reserved_connections', value: slots.superuserReserved }];
  if (facts.settings.has('reserved_connections'))
    reservedParts.push({ name: 'reserved_connections', value: slots.reserved });
  if (slots.providerReserved > 0 && facts.provider)
    reservedParts.push({ name: `kept by ${facts.provider.name}`, value: slots.providerReserved });
  const others = otherClients(facts);
  return {
    maxConnections: slots.max,
    reservedConnections: slots.totalReserved,
    otherConnections: accountForOthers ? others : 0,
    source: 'server',
    reservedParts,
    heldNow: { connections: others, counted: accountForOthers },
    access: settingAccess(facts),
    ...(accountForOthers ? { otherDescription: 'client connections open now, besides pooltune' } : {}),
  };
}
