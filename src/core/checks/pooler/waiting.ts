/**
 * Clients queued in PgBouncer for a server connection: there the pool, not the server's slots, is what
 * requests wait for. Judged with the guide's acquisition thresholds, as an app pool's wait would be.
 */
import { ACQUISITION_EXCELLENT_MS, ACQUISITION_POOR_MS, acquisitionRating } from '../../guide.js';
import type { PoolerWindow } from '../../pooler/window.js';
import { formatDuration } from '../../units.js';
import type { Finding } from '../../findings.js';
import type { PoolerFacts, PoolerPool } from '../../pooler/facts.js';
import { poolsOf, serverBound } from '../../pooler/server-bound.js';
import type { PoolerObservation } from '../input.js';
import { outcome, type CheckOutcome } from '../types.js';
import { serverRoom } from './server-connections.js';

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

/** What SHOW STATS' avg_wait_time says, in its version's meaning. */
function averageWaits(facts: PoolerFacts): {
  perCheckoutMs: number | null;
  meanWaiting: number;
  notes: string[];
} {
  let perCheckoutMs: number | null = null;
  let meanWaiting = 0;
  const notes: string[] = [];
  for (const s of facts.stats) {
    if (s.avgWaitTimeMeaning === 'per-assignment') {
      perCheckoutMs = Math.max(perCheckoutMs ?? 0, s.avgWaitTimeMs);
      if (s.avgWaitTimeMs > 0)
        notes.push(`${s.database}: avg_wait_time ${ms(s.avgWaitTimeMs)} per server assignment`);
    } else if (s.avgWaitTimeMs > 0) {
      meanWaiting += s.avgWaitTimeMs / 1000;
      // Up to 1.22 it is the time waited per second of wall time: the mean number of clients waiting.
      notes.push(
        `${s.database}: on average ${Math.round(s.avgWaitTimeMs) / 1000} clients waiting (avg_wait_time before 1.23)`,
      );
    }
  }
  return { perCheckoutMs, meanWaiting, notes };
}

const poolLine = (p: PoolerPool) =>
  `${p.database}/${p.user}: ${p.clientsWaiting} waiting, oldest ${ms(p.maxWaitMs)}, ${p.serversActive} servers active`;

/**
 * The pgbouncer.ini line that would give the busiest waiting pool room for its queue: a default_pool_size
 * that many larger, when that pool uses the default and, with the server read, the larger pools still fit
 * the guide's share of its slots. Otherwise none: a pool the server cannot carry moves the queue there.
 */
function largerPool(obs: PoolerObservation, worst: PoolerPool): string[] {
  const { facts } = obs;
  const current = facts.config.defaultPoolSize;
  const bound = poolsOf(facts).find((p) => p.database === worst.database && p.user === worst.user);
  if (!bound || bound.unbounded || bound.poolSize !== current) return [];
  const larger = current + worst.clientsWaiting;
  if (obs.server) {
    const grown: PoolerFacts = {
      ...facts,
      config: { ...facts.config, defaultPoolSize: larger },
      databases: facts.databases.map((d) => (d.poolSize === current ? { ...d, poolSize: larger } : d)),
    };
    if (obs.instances * serverBound(grown).perProcess > serverRoom(obs.server, obs).share) return [];
  }
  return [`default_pool_size = ${larger}`];
}

/**
 * The wait measured over a window pooltune watched (health's probe, a bench run, monitor): the mean wait per
 * checkout from PgBouncer's totals, and the queue at the end.
 */
function windowCheck(obs: PoolerObservation, window: PoolerWindow): CheckOutcome {
  const perCheckout = window.waitPerCheckoutMs ?? 0;
  const worstMs = Math.max(perCheckout, window.maxWaitMs);
  const rating = acquisitionRating(worstMs);
  const over = formatDuration(window.durationMs);
  const per = window.assignments === null ? 'transaction' : 'server assignment';
  const observed = `over ${over}: ${window.transactions} transactions through ${window.databases.join(', ') || 'no database entry'}, ${ms(window.waitMs)} waited in all, ${ms(perCheckout)} per ${per}; ${window.clientsWaiting} waiting at the end${window.clientsWaiting > 0 ? `, the oldest for ${ms(window.maxWaitMs)}` : ''}`;
  if (window.waitMs === 0 && window.clientsWaiting === 0) {
    return outcome([
      {
        id: 'pooler-clients-waiting',
        severity: 'ok',
        title: `No client waited in PgBouncer for a server connection over ${over} (${window.transactions} transactions)`,
        observed,
      },
    ]);
  }
  const worst = [...obs.facts.pools].sort((a, b) => b.maxWaitMs - a.maxWaitMs)[0];
  const ini = worst && worst.clientsWaiting > 0 ? largerPool(obs, worst) : [];
  // A wait still under way counts in no total yet: then the queue at the end is what the rating rests on.
  const queueAtEnd = window.clientsWaiting > 0 && window.maxWaitMs > perCheckout;
  const what = queueAtEnd
    ? `${window.clientsWaiting} client${window.clientsWaiting === 1 ? '' : 's'} still waiting in PgBouncer's queue at the end of ${over}, the oldest for ${ms(window.maxWaitMs)}`
    : `Clients waited ${ms(perCheckout)} per ${per} in PgBouncer's queue over ${over}${window.clientsWaiting > 0 ? `, ${window.clientsWaiting} still waiting at the end, the oldest for ${ms(window.maxWaitMs)}` : ''}`;
  return outcome([
    {
      id: 'pooler-clients-waiting',
      severity: rating === 'poor' ? 'warning' : rating === 'good' ? 'info' : 'ok',
      title: `${what} (${rating})${rating === 'excellent' ? '' : ": PgBouncer's pool, not the server, is where requests waited"}`,
      observed,
      expected: `a wait under ${ACQUISITION_EXCELLENT_MS}ms is excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor; a larger pool only where the server has slots and cores for it, or shorter transactions`,
      ...(ini.length > 0 ? { fix: { ini } } : {}),
    },
  ]);
}

export function clientsWaitingCheck(obs: PoolerObservation): CheckOutcome {
  if (obs.window) return windowCheck(obs, obs.window);
  const { facts } = obs;
  const waitingPools = facts.pools.filter((p) => p.clientsWaiting > 0);
  const waiting = waitingPools.reduce((n, p) => n + p.clientsWaiting, 0);
  const oldest = facts.pools.reduce((m, p) => Math.max(m, p.maxWaitMs), 0);
  const averages = averageWaits(facts);
  const worstMs = Math.max(oldest, averages.perCheckoutMs ?? 0);
  const rating = acquisitionRating(worstMs);
  const expected = `no client waiting; a wait under ${ACQUISITION_EXCELLENT_MS}ms is excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor`;
  if (waiting === 0 && rating === 'excellent' && averages.meanWaiting === 0) {
    return outcome([
      {
        id: 'pooler-clients-waiting',
        severity: 'ok',
        title: `No client waits in PgBouncer for a server connection${averages.perCheckoutMs === null ? '' : ` (avg_wait_time ${ms(averages.perCheckoutMs)} per assignment)`}`,
      },
    ]);
  }
  const observed = [...waitingPools.map(poolLine), ...averages.notes].join('; ');
  const worst = [...waitingPools].sort((a, b) => b.maxWaitMs - a.maxWaitMs)[0];
  const ini = worst ? largerPool(obs, worst) : [];
  const finding: Finding = {
    id: 'pooler-clients-waiting',
    severity: rating === 'poor' ? 'warning' : 'info',
    title:
      waiting > 0
        ? `${waiting} client${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''} in PgBouncer for a server connection, the oldest for ${ms(oldest)} (${rating}): PgBouncer's pool, not the server, is the bottleneck`
        : rating !== 'excellent'
          ? `Clients waited ${ms(worstMs)} per server assignment in PgBouncer over its last stats period (${rating}): its pool, not the server, is the bottleneck`
          : `On average ${Math.round(averages.meanWaiting * 1000) / 1000} clients waited in PgBouncer for a server connection over its last stats period, none now`,
    ...(observed ? { observed } : {}),
    expected: `${expected}; ${ini.length > 0 ? 'a larger pool (the server has slots for it)' : 'a larger pool only where the server has slots and cores for it'}, or shorter transactions that give server connections back sooner`,
    ...(ini.length > 0 ? { fix: { ini } } : {}),
  };
  return outcome([finding]);
}
