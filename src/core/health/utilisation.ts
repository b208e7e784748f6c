import { spareSlots, utilisationPercent } from '../guide.js';
import type { PoolerFacts } from '../pooler/facts.js';
import { otherClients, settingMs, usableSlots, type ServerFacts } from '../server-facts.js';
import type { UtilisationMetrics } from './metrics.js';

const countIn = (facts: ServerFacts, state: string): number | null =>
  facts.activity.canSeeOthers ? (facts.activity.byState.find((s) => s.name === state)?.count ?? 0) : null;

/** The server side of the pool: client sessions against the slots ordinary roles may use. */
export function utilisationFrom(facts: ServerFacts): UtilisationMetrics {
  const { max, totalReserved, usable } = usableSlots(facts);
  const { activity } = facts;
  const idleInTransaction = activity.canSeeOthers
    ? activity.byState
        .filter((s) => s.name.startsWith('idle in transaction'))
        .reduce((n, s) => n + s.count, 0)
    : null;
  return {
    role: facts.currentRole,
    usableSlots: usable,
    maxConnections: max,
    reservedSlots: totalReserved,
    otherClients: otherClients(facts),
    utilisationPercent: utilisationPercent(otherClients(facts), usable),
    canSeeOthers: activity.canSeeOthers,
    active: countIn(facts, 'active'),
    idle: countIn(facts, 'idle'),
    idleInTransaction,
    waitingOnLocks: activity.waitingOnLocks,
    longestActiveSeconds: activity.longestActiveSeconds,
    longestIdleSeconds: activity.longestIdleSeconds,
    longestIdleInTransactionSeconds: activity.longestIdleInTransactionSeconds,
    idleInTransactionTimeoutMs: settingMs(facts, 'idle_in_transaction_session_timeout') ?? null,
  };
}

/**
 * How many connections the pool probe may use: what was asked, but never more than the free slots for
 * ordinary roles minus a margin (2, or a tenth of the usable slots), so that the probe cannot be the one
 * that fills the server.
 */
export function probePoolSize(
  requested: number,
  utilisation: UtilisationMetrics,
): { size: number; margin: number; free: number } {
  const free = utilisation.usableSlots - utilisation.otherClients - 1;
  const margin = spareSlots(utilisation.usableSlots);
  return { size: Math.max(0, Math.min(requested, free - margin)), margin, free };
}

/** A pooler's client slots still free (max_client_conn less the clients it has), pooltune's session among them. */
export function freeClientSlots(pooler: PoolerFacts): number {
  return pooler.config.maxClientConn - pooler.lists.usedClients - 1;
}

/** How many connections a probe may open, and whose free slots said so. */
export interface ProbeBudget {
  readonly size: number;
  readonly margin: number;
  readonly free: number;
  /** The pooler's client slots (through a pooler whose console was read), else the server's. */
  readonly slotsOf: 'server' | 'pooler';
}

/**
 * probePoolSize against the slots the probe's connections take. Through a pooler they are its clients, so
 * its max_client_conn bounds them (less a margin, as on the server), and they reach the server only through
 * the pool's server connections: the idle ones it already has, and new ones it opens, which take the
 * server's free slots. So the probe may use the pooler's free client slots, but no more than the server's
 * budget plus the idle server connections of the role's pools; a busy server behind a pooler with idle
 * connections to spare no longer shrinks the probe for nothing. The console must have been read to know
 * this; without it the server's slots are the only bound known.
 */
export function probeBudget(requested: number, facts: ServerFacts): ProbeBudget {
  const server = probePoolSize(requested, utilisationFrom(facts));
  const pooler = facts.route.throughPooler ? facts.pooler?.facts : null;
  if (!pooler) return { ...server, slotsOf: 'server' };
  const reusableServers = pooler.pools
    .filter((p) => p.user === facts.currentRole)
    .reduce((n, p) => n + p.serversIdle + p.serversUsed, 0);
  const free = freeClientSlots(pooler);
  const margin = spareSlots(pooler.config.maxClientConn);
  const clients = Math.max(0, Math.min(requested, free - margin));
  const reachable = server.size + reusableServers;
  // Whichever bound is tighter is the one the report names.
  return reachable < clients
    ? { ...server, size: reachable, slotsOf: 'server' }
    : { size: clients, margin, free, slotsOf: 'pooler' };
}
