/** pg_stat_database's transaction counters, summed over databases. */
export interface TransactionCounters {
  readonly committed: number;
  readonly rolledBack: number;
}

/** Other clients' transactions in one sample's window. */
export interface TransactionRate {
  readonly windowMs: number;
  readonly committed: number;
  readonly rolledBack: number;
  /** Committed and rolled back, per second. */
  readonly perSecond: number;
}

/**
 * Each reading is three statements on pooltune's own session (the activity read, the counters read and
 * the session roster), so three transactions of its own per reading land in the counters: commits
 * straight to PostgreSQL, rollbacks through a pooler (each statement's read-only transaction is rolled back).
 */
export const OWN_TRANSACTIONS_PER_READING = 3;

/** Which counter pooltune's own transactions land in. */
export type OwnTransactionEnd = keyof TransactionCounters;

/**
 * Other clients' transactions since the baseline reading, as running totals. pooltune's own commits are
 * taken out by count; the server reports a session's counters at most about once a second, so its own
 * arrive late and in lumps: the totals never go down, which keeps that lag from adding phantom
 * transactions on an idle server (a per-sample difference clamped at zero would).
 */
export function othersTransactions(
  baseline: TransactionCounters,
  current: TransactionCounters,
  readingsSinceBaseline: number,
  soFar: TransactionCounters,
  ownEnd: OwnTransactionEnd = 'committed',
): TransactionCounters {
  const own = (end: OwnTransactionEnd) =>
    end === ownEnd ? OWN_TRANSACTIONS_PER_READING * readingsSinceBaseline : 0;
  return {
    committed: Math.max(soFar.committed, current.committed - baseline.committed - own('committed')),
    rolledBack: Math.max(soFar.rolledBack, current.rolledBack - baseline.rolledBack - own('rolledBack')),
  };
}

/** The rate between two running totals, `windowMs` apart. */
export function transactionRate(
  before: TransactionCounters,
  after: TransactionCounters,
  windowMs: number,
): TransactionRate {
  const committed = after.committed - before.committed;
  const rolledBack = after.rolledBack - before.rolledBack;
  const window = Math.max(1, windowMs);
  return {
    windowMs: Math.round(window),
    committed,
    rolledBack,
    perSecond: Math.round(((committed + rolledBack) / (window / 1000)) * 10) / 10,
  };
}
