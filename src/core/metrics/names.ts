/**
 * The names of the series pooltune exposes on `monitor --listen`'s /metrics, written once: the exporter that
 * serves them and the alert rules that read them (`pooltune alerts --source pooltune`) both take them from
 * here, so that a rule can never name a series the endpoint does not serve.
 */

/** Every pooltune series carries the target it was read from (the --db name, or host:port). */
export const TARGET_LABEL = 'target';
/** pooltune_client_connections' label for the session state (active, idle, idle in transaction, …). */
export const STATE_LABEL = 'state';

export const POOLTUNE_METRICS = {
  /** 1 when the last sample of the target succeeded, 0 while it is down (and being retried). */
  up: 'pooltune_up',
  /** How long the last sample took. */
  sampleDuration: 'pooltune_sample_duration_seconds',
  /** Client connections by state (gauge, `state` label). */
  clientConnections: 'pooltune_client_connections',
  /** The slots ordinary roles may use: max_connections less the reserved ones (gauge). */
  usableSlots: 'pooltune_usable_slots',
  /** Client connections ÷ usable slots, 0–1 (gauge): what the guide's 70 / 85 % judge. */
  slotUtilisation: 'pooltune_slot_utilisation_ratio',
  /** Sessions started by others (counter): its rate is the churn. */
  newSessions: 'pooltune_new_sessions_total',
  /** Sessions abandoned, ended by a fatal error or killed (counter). */
  sessionsEndedAbnormally: 'pooltune_sessions_ended_abnormally_total',
  /** The age of the oldest idle-in-transaction state, in seconds (gauge; 0 when none). */
  idleInTransactionMaxAge: 'pooltune_idle_in_transaction_max_age_seconds',
  /** The longest-running active query, in seconds (gauge; 0 when none). */
  longestQuery: 'pooltune_longest_query_seconds',
  /** The oldest open transaction, in seconds (gauge; 0 when none). */
  longestTransaction: 'pooltune_longest_transaction_seconds',
  /** Sessions waiting on a lock now (gauge). */
  lockWaits: 'pooltune_lock_waits',
  /** The longest current lock wait, in seconds (gauge; 0 when none). */
  longestLockWait: 'pooltune_longest_lock_wait_seconds',
  /** Transactions committed and rolled back (counter). */
  transactions: 'pooltune_transactions_total',
  /** Clients queued in the pooler for a server connection (gauge; only when a pooler is read). */
  poolerClientsWaiting: 'pooltune_pooler_clients_waiting',
  /** The pooler's longest current client wait, in seconds (gauge; only when a pooler is read). */
  poolerMaxWait: 'pooltune_pooler_max_wait_seconds',
  /** Time clients spent waiting for a server connection in the pooler (counter, PgBouncer's total_wait_time). */
  poolerClientWait: 'pooltune_pooler_client_wait_seconds_total',
  /**
   * Server connections handed to clients (counter): PgBouncer's assignments (1.23+), else its transactions, as
   * monitor's wait per checkout counts them. rate(wait) ÷ rate(checkouts) is the mean acquisition wait.
   */
  poolerCheckouts: 'pooltune_pooler_checkouts_total',
} as const;

export type PooltuneMetric = (typeof POOLTUNE_METRICS)[keyof typeof POOLTUNE_METRICS];
