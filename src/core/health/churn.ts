import type { ChurnMetrics } from './metrics.js';

/** A snapshot of pg_stat_database's session counters, summed over databases, at `at` ms. */
export interface SessionCounters {
  readonly at: number;
  readonly sessions: number;
  readonly abandoned: number;
  readonly fatal: number;
  readonly killed: number;
}

/** The change over the probe window, without the sessions pooltune itself opened. */
export function churnBetween(
  before: SessionCounters,
  after: SessionCounters,
  ownSessions: number,
): ChurnMetrics {
  const windowMs = Math.max(1, after.at - before.at);
  const newSessions = Math.max(0, after.sessions - before.sessions - ownSessions);
  return {
    windowMs: Math.round(windowMs),
    newSessions,
    newSessionsPerSecond: Math.round((newSessions / (windowMs / 1000)) * 10) / 10,
    abandoned: Math.max(0, after.abandoned - before.abandoned),
    fatal: Math.max(0, after.fatal - before.fatal),
    killed: Math.max(0, after.killed - before.killed),
  };
}
