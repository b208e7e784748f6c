/**
 * Traffic measured from pg_stat_database counters: the rate from committed and rolled-back transactions, and
 * on PostgreSQL 14+ the mean busy sessions straight from the growth of active_time + idle_in_transaction_time
 * (ms of busy time per second of wall time is busy sessions: Little's law with nothing to estimate). The hold
 * time follows as busy ÷ rate.
 */

export interface CounterReading {
  readonly atMs: number;
  readonly transactions: number;
  readonly activeMs: number | null;
  readonly idleInTransactionMs: number | null;
}

export interface MeasuredTraffic {
  readonly database: string;
  readonly requestedMs: number;
  readonly windowMs: number;
  /** True when Ctrl-C ended the window before the requested length. */
  readonly stoppedEarly: boolean;
  /** Transactions in the window, pooltune's own sampling queries subtracted. */
  readonly transactions: number;
  readonly ownTransactions: number;
  readonly ratePerSecond: number;
  /** Mean busy sessions (active + idle in transaction); null before PostgreSQL 14. */
  readonly busyConnections: number | null;
  readonly activeConnections: number | null;
  readonly idleInTransactionConnections: number | null;
  /** busy ÷ rate, in ms; null when either is unknown or the rate is 0. */
  readonly holdMs: number | null;
  readonly caveats: readonly string[];
}

const round = (n: number, places = 3): number => Math.round(n * 10 ** places) / 10 ** places;

export function trafficFromCounters(
  first: CounterReading,
  last: CounterReading,
  context: { database: string; requestedMs: number; stoppedEarly: boolean; ownTransactions: number },
): MeasuredTraffic {
  const windowMs = Math.max(1, last.atMs - first.atMs);
  const seconds = windowMs / 1000;
  const transactions = Math.max(0, last.transactions - first.transactions - context.ownTransactions);
  const ratePerSecond = transactions / seconds;
  const perSecond = (a: number | null, b: number | null) =>
    a === null || b === null ? null : Math.max(0, b - a) / windowMs;
  const active = perSecond(first.activeMs, last.activeMs);
  const idle = perSecond(first.idleInTransactionMs, last.idleInTransactionMs);
  const busy = active === null || idle === null ? null : active + idle;
  const holdMs = busy === null || ratePerSecond === 0 ? null : (busy / ratePerSecond) * 1000;
  const caveats = [
    `pg_stat_database counts every session on database ${context.database}: other applications, jobs and people using it are in these figures too`,
    'backends report their counters about once a second, so each end of the window is blurred by up to a second of work; a longer window dilutes that',
    'the hold time is time inside transactions as the server sees it; time an application keeps a connection checked out between transactions is not in it',
    `pooltune's own ${context.ownTransactions} sampling quer${context.ownTransactions === 1 ? 'y is' : 'ies are'} subtracted from the transactions`,
  ];
  if (busy === null)
    caveats.push('before PostgreSQL 14 the server does not count busy time: the hold time must be given');
  if (context.stoppedEarly)
    caveats.push('the measurement was stopped early: the window is shorter than asked for');
  return {
    database: context.database,
    requestedMs: context.requestedMs,
    windowMs: Math.round(windowMs),
    stoppedEarly: context.stoppedEarly,
    transactions,
    ownTransactions: context.ownTransactions,
    ratePerSecond: round(ratePerSecond),
    busyConnections: busy === null ? null : round(busy),
    activeConnections: active === null ? null : round(active),
    idleInTransactionConnections: idle === null ? null : round(idle),
    holdMs: holdMs === null ? null : round(holdMs),
    caveats,
  };
}
