import type { Session } from './connect.js';

/** One read of the target database's counters in pg_stat_database. */
export interface TrafficCounters {
  /** The server's clock, in ms: the window is timed where the counters are kept. */
  readonly atMs: number;
  /** xact_commit + xact_rollback. */
  readonly transactions: number;
  /** active_time and idle_in_transaction_time (ms, PostgreSQL 14+); null before 14. */
  readonly activeMs: number | null;
  readonly idleInTransactionMs: number | null;
}

/**
 * Reads the counters for the database this session is connected to. pg_stat_database is readable by every
 * role, so no special privilege is needed. Each call is its own transaction, so it sees fresh statistics.
 */
export async function readTrafficCounters(session: Session, withTimes: boolean): Promise<TrafficCounters> {
  const times = withTimes
    ? 'active_time::float8 as active, idle_in_transaction_time::float8 as idle_in_tx'
    : 'null::float8 as active, null::float8 as idle_in_tx';
  const [row] = await session.query<{
    at: number;
    transactions: number;
    active: number | null;
    idle_in_tx: number | null;
  }>(
    `select extract(epoch from clock_timestamp())::float8 * 1000 as at,
            (xact_commit + xact_rollback)::float8 as transactions, ${times}
       from pg_stat_database
      where datname = current_database()`,
  );
  return {
    atMs: row?.at ?? 0,
    transactions: row?.transactions ?? 0,
    activeMs: row?.active ?? null,
    idleInTransactionMs: row?.idle_in_tx ?? null,
  };
}
