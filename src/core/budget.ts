import type { SettingAccess } from './checks/fix.js';
import { budgetShare, slotsForShare } from './guide.js';
import type { PooledChain } from './pooler/chain.js';
import type { WorkloadPreset } from './workload.js';

export type ValueSource =
  'preset' | 'formula' | 'flag' | 'prompt' | 'default' | 'server' | 'plan' | 'traffic' | 'pooler';

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
  /**
   * Client connections other than pooltune's open on the server when it was read, and whether the budget
   * counts them as taken (--account-for-others) or sized as if they were free.
   */
  readonly heldNow?: { readonly connections: number; readonly counted: boolean };
  /** Read from a server: who may change its settings and how (the max_connections fix follows it). */
  readonly access?: SettingAccess;
}

export interface SizingInput {
  readonly preset: WorkloadPreset;
  /** Expected concurrent requests per application instance; absent means "use the preset's size". */
  readonly concurrency?: number;
  readonly instances: number;
  readonly budget: ServerBudget;
  /** Behind a pooler the pool is sized against the pooler's client limit, not the server's slots. */
  readonly pooler?: PooledChain;
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
