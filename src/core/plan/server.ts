import { settingAccess, type SettingAccess } from '../checks/fix.js';
import { otherClients, settingMs, usableSlots, type ServerFacts } from '../server-facts.js';
import type { WorkloadPreset } from '../workload.js';
import type { ServicePlan } from './config.js';

/** What the plan checks know of the server: its slots and what is taken now. */
export interface PlanServer {
  readonly maxConnections: number;
  readonly reservedSlots: number;
  /** Client connections other than pooltune's, now. */
  readonly heldNow: number;
  /** The server's idle_session_timeout in ms (0: off), when known. */
  readonly idleSessionTimeoutMs?: number;
  /** Who may change the server's settings and how (the max_connections fix follows it). */
  readonly access?: SettingAccess;
}

/** The plan checks' view of a server, from the facts collected once. */
export function planServerFrom(facts: ServerFacts): PlanServer {
  const slots = usableSlots(facts);
  return {
    maxConnections: slots.max,
    reservedSlots: slots.totalReserved,
    heldNow: otherClients(facts),
    idleSessionTimeoutMs: settingMs(facts, 'idle_session_timeout') ?? 0,
    access: settingAccess(facts),
  };
}

export interface PlannedService {
  readonly service: ServicePlan;
  readonly preset: WorkloadPreset;
}
