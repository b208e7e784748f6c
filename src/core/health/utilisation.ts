import { spareSlots, utilisationPercent } from '../guide.js';
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
