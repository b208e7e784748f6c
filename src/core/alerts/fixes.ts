import { IDLE_IN_TRANSACTION_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from '../guide.js';
import { formatDuration } from '../units.js';

/**
 * What the guide says to do about each problem an alert rule reports, in pooltune's words, once for every
 * source: one sentence for an alert's annotation, where the hints (hints.ts) give a report's several steps.
 */
export const FIX = {
  utilisation:
    'Find who holds the connections (pooltune check-server lists them by application); fix leaks where ' +
    'connections are not returned to their pool; shrink the pools or put PgBouncer in front before ' +
    'raising max_connections.',
  churn:
    'Connections are opened and closed instead of reused: put a pool (or PgBouncer) in front of the ' +
    'clients that connect per request, and check the pools’ max_lifetime and idle_timeout.',
  idleInTransaction:
    'An application opened a transaction and stopped talking while holding its locks: find it by pid and ' +
    `application, fix the code path, and set idle_in_transaction_session_timeout = '${formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS)}' so the server ends such sessions.`,
  longQuery:
    'A query runs far longer than the workload needs and holds its connection meanwhile: check its plan ' +
    `and indexes, and set a statement_timeout (the guide: ${formatDuration(STATEMENT_TIMEOUT_MS)} for OLTP) so runaways are cancelled.`,
  longTransaction:
    'A transaction stays open for long, holding locks and vacuum’s horizon: commit in smaller steps and ' +
    'keep work that is not database work out of transactions.',
  lockWait:
    'Sessions queue behind a lock held too long: find the blocker (pg_blocking_pids), end it if it is stuck, ' +
    'and keep transactions that take strong locks short.',
  poolerWaiting:
    'Clients queue in PgBouncer for a server connection: the pool is too small for the load, or server ' +
    'connections are held by long transactions; raise default_pool_size within the server’s slots (pooltune recommend --behind-pooler) or shorten the transactions.',
  down: 'Nothing about this target is being measured: check that it is up and that the monitoring role can still log in.',
} as const;
