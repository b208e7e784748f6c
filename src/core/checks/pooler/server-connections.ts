/** The server connections PgBouncer may open, against the slots the server has for it. */
import type { Finding, Skipped } from '../../findings.js';
import { BUDGET_SHARE_PERCENT, budgetShare, slotsForShare } from '../../guide.js';
import { poolTerms, serverBound, serversNow } from '../../pooler/server-bound.js';
import { otherClients, usableSlots, type ServerFacts } from '../../server-facts.js';
import type { PoolerObservation } from '../input.js';
import { outcome, type CheckOutcome } from '../types.js';

export const SERVER_NOT_READ: Skipped = {
  id: 'pooler-server-connections',
  reason: 'the server behind the pooler was not read, so its slots and settings are unknown',
  enableWith: 'let pooltune connect to the server as well as to the admin console',
};

/**
 * Client connections on the server that are not the pooler's server connections: known only with one
 * PgBouncer process, whose server connections SHOW POOLS counts (other processes' are not seen).
 */
function directClients(server: ServerFacts, obs: PoolerObservation): number | undefined {
  if (obs.instances !== 1) return undefined;
  // Read through the pooler, pooltune's own backend is one of the pooler's server connections.
  const others = server.route.throughPooler ? server.activity.clientBackends : otherClients(server);
  return Math.max(0, others - serversNow(obs.facts));
}

/**
 * pgbouncer.ini lines that bring one process's pools within `perProcess` server connections: a smaller
 * default_pool_size when every pool uses it, else (or as the alternative) a cap per database entry.
 */
function fittingLines(obs: PoolerObservation, perProcess: number): string[] {
  const { pools } = serverBound(obs.facts);
  const { config } = obs.facts;
  if (pools.length === 0 || perProcess < 1) return [];
  const databases = new Set(pools.map((p) => p.database)).size;
  const perDatabase = `max_db_connections = ${Math.max(1, Math.floor(perProcess / databases))}`;
  const poolSize = Math.floor(perProcess / pools.length) - config.reservePoolSize;
  const allDefault = pools.every((p) => !p.unbounded && p.poolSize === config.defaultPoolSize);
  return allDefault && poolSize >= 1
    ? [`default_pool_size = ${poolSize}`, `; or cap each database entry instead: ${perDatabase}`]
    : [perDatabase];
}

/** The server's slots for the pooler: usable minus the clients that bypass it, and the guide's share of them. */
export function serverRoom(server: ServerFacts, obs: PoolerObservation) {
  const slots = usableSlots(server);
  const direct = directClients(server, obs);
  const available = slots.usable - (direct ?? 0);
  return { slots, direct, available, share: budgetShare(Math.max(0, available)) };
}

export function serverConnectionsCheck(obs: PoolerObservation): CheckOutcome {
  const { server } = obs;
  if (!server) return outcome([], [SERVER_NOT_READ]);
  const bound = serverBound(obs.facts);
  const total = obs.instances * bound.perProcess;
  const { slots, direct, available, share } = serverRoom(server, obs);
  const caps = bound.capsApplied.length > 0 ? `, capped by ${bound.capsApplied.join(', ')}` : '';
  const processes = obs.instances === 1 ? '' : `${obs.instances} processes × `;
  const observed =
    `${processes}${Number.isFinite(bound.perProcess) ? bound.perProcess : 'no cap'} per process ` +
    `(Σ pool_size + reserve_pool_size over ${bound.pools.length} pools: ${poolTerms(bound.pools) || 'none yet'}${caps}); ` +
    `usable ${slots.usable} = max_connections ${slots.max} − ${slots.totalReserved} reserved` +
    (direct === undefined
      ? `; clients that bypass the pooler are not counted (with ${obs.instances} PgBouncer processes their server connections cannot be told apart)`
      : `; ${direct} held by clients that bypass the pooler, so ${available} for it`);
  const room = `the ${available} slots the server has for it`;
  if (bound.pools.length === 0) {
    const { defaultPoolSize, reservePoolSize } = obs.facts.config;
    return outcome([
      {
        id: 'pooler-server-connections',
        severity: 'info',
        title: `PgBouncer has no pool yet (pools start when a client connects): each (database, user) pair that connects may open up to ${defaultPoolSize} + ${reservePoolSize} server connections per process, against ${room}`,
        observed,
      },
    ]);
  }
  if (total <= share) {
    return outcome([
      {
        id: 'pooler-server-connections',
        severity: 'ok',
        title: `PgBouncer may open at most ${total} server connections: ${available > 0 ? Math.round((total / available) * 100) : 0} % of ${room}`,
        observed,
      },
    ]);
  }
  const over = total > available;
  const neededMax = slots.totalReserved + (direct ?? 0) + slotsForShare(total);
  const ini = fittingLines(obs, Math.floor(share / obs.instances));
  const finding: Finding = {
    id: 'pooler-server-connections',
    severity: over ? 'critical' : 'warning',
    title: Number.isFinite(total)
      ? over
        ? `PgBouncer may open ${total} server connections, but the server has ${available} for it: ${total - available} short, and pools starve when it fills`
        : `PgBouncer may open ${total} server connections: more than the guide's ${BUDGET_SHARE_PERCENT} % of ${room}`
      : `PgBouncer's pools have no cap (pool_size 0 and no max_db_connections or max_user_connections), against ${room}`,
    observed,
    expected:
      `at most ${share} (the guide's ${BUDGET_SHARE_PERCENT} % of ${available})` +
      (Number.isFinite(neededMax) ? `, or max_connections ${neededMax} for these pools` : ''),
    ...(ini.length > 0 ? { fix: { ini } } : {}),
  };
  return outcome([finding]);
}
