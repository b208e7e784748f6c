import type { SessionCounters } from '../core/health/churn.js';
import type { MonitorReading } from '../core/monitor/sample.js';
import type { TransactionCounters } from '../core/monitor/transactions.js';
import type { Session } from './connect.js';
import { readSessionRoster } from './sessions.js';

interface ActivityRow {
  clients: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
  hidden: number;
  oldest_idle_in_transaction_s: number | null;
  longest_query_s: number | null;
  lock_waits: number;
}

interface CounterRow {
  committed: number;
  rolled_back: number;
  sessions: number | null;
  abandoned: number | null;
  fatal: number | null;
  killed: number | null;
}

/**
 * pg_stat_database's counters in one statement (OWN_TRANSACTIONS_PER_READING counts it): transactions on
 * every version, sessions from 14 on.
 */
async function readCounters(
  session: Session,
  withSessions: boolean,
): Promise<{ transactions: TransactionCounters; counters: SessionCounters | null }> {
  const sessions = withSessions
    ? `coalesce(sum(sessions), 0)::float8 as sessions,
            coalesce(sum(sessions_abandoned), 0)::float8 as abandoned,
            coalesce(sum(sessions_fatal), 0)::float8 as fatal,
            coalesce(sum(sessions_killed), 0)::float8 as killed`
    : 'null as sessions, null as abandoned, null as fatal, null as killed';
  const [row] = await session.query<CounterRow>(
    `select coalesce(sum(xact_commit), 0)::float8 as committed,
            coalesce(sum(xact_rollback), 0)::float8 as rolled_back,
            ${sessions}
       from pg_stat_database`,
  );
  const at = performance.now();
  return {
    transactions: { committed: row?.committed ?? 0, rolledBack: row?.rolled_back ?? 0 },
    counters: withSessions
      ? {
          at,
          sessions: row?.sessions ?? 0,
          abandoned: row?.abandoned ?? 0,
          fatal: row?.fatal ?? 0,
          killed: row?.killed ?? 0,
        }
      : null,
  };
}

/**
 * One light reading per sample: client sessions by state and the ages that matter, aggregated on the
 * server (one row, however many sessions), pooltune's own session left out; then the database counters.
 * The same client-session filter as the facts pass (probes/facts.ts).
 */
export async function readMonitorReading(
  session: Session,
  options: {
    readonly canSeeOthers: boolean;
    readonly hasSessionCounters: boolean;
    readonly serverVersionNum: number;
    readonly showQueries: boolean;
  },
): Promise<MonitorReading> {
  // PostgreSQL 15+ reports a session's counters at most about once a second, so pooltune's own statements
  // (the facts pass, the readings) would reach xact_commit late and read as other clients' transactions.
  // Asking for a flush in each reading's first statement has them all counted by the counters read that
  // follows: exactly OWN_TRANSACTIONS_PER_READING more per reading.
  const flush =
    options.serverVersionNum >= 150000
      ? ',\n            pg_stat_force_next_flush()::text as stats_flush'
      : '';
  const [row] = await session.query<ActivityRow>(
    `select count(*)::int as clients,
            count(*) filter (where state = 'active')::int as active,
            count(*) filter (where state = 'idle')::int as idle,
            count(*) filter (where state like 'idle in transaction%')::int as idle_in_transaction,
            count(*) filter (where state is null)::int as hidden,
            (max(extract(epoch from now() - state_change))
               filter (where state like 'idle in transaction%'))::float8 as oldest_idle_in_transaction_s,
            (max(extract(epoch from now() - query_start)) filter (where state = 'active'))::float8
              as longest_query_s,
            count(*) filter (where wait_event_type = 'Lock')::int as lock_waits${flush}
       from pg_stat_activity
      where pid <> pg_backend_pid()
        and (backend_type = 'client backend'
             or (backend_type is null and datid is not null and usesysid is not null))`,
  );
  const wallTime = new Date();
  const at = performance.now();
  const { transactions, counters } = await readCounters(session, options.hasSessionCounters);
  const roster = await readSessionRoster(session, options);
  if (!row) throw new Error('pg_stat_activity returned no row');
  // A session still starting up has no state yet either; only a role that cannot see others calls it unknown.
  const named = row.active + row.idle + row.idle_in_transaction + row.hidden;
  return {
    at,
    wallTime,
    clients: row.clients,
    active: row.active,
    idle: row.idle,
    idleInTransaction: row.idle_in_transaction,
    otherState: row.clients - named + (options.canSeeOthers ? row.hidden : 0),
    unknownState: options.canSeeOthers ? 0 : row.hidden,
    oldestIdleInTransactionSeconds: row.oldest_idle_in_transaction_s,
    longestQuerySeconds: row.longest_query_s,
    waitingOnLocks: row.lock_waits,
    counters,
    transactions,
    roster,
  };
}
