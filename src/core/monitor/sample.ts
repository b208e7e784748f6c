import { churnBetween, type SessionCounters } from '../health/churn.js';
import type { SessionRoster } from '../sessions/roster.js';
import { utilisationPercent } from '../guide.js';
import type { ChurnMetrics } from '../health/metrics.js';
import type { PoolerSample } from './pooler-sample.js';
import {
  othersTransactions,
  transactionRate,
  type OwnTransactionEnd,
  type TransactionCounters,
  type TransactionRate,
} from './transactions.js';

/** What one read of pg_stat_activity (and pg_stat_database, 14+) saw, pooltune's own session left out. */
export interface MonitorReading {
  /** performance.now() when the reading was taken, for rates. */
  readonly at: number;
  /** Wall-clock time of the reading. */
  readonly wallTime: Date;
  /** Client connections besides pooltune's. */
  readonly clients: number;
  readonly active: number;
  readonly idle: number;
  /** `idle in transaction` and `idle in transaction (aborted)`. */
  readonly idleInTransaction: number;
  /** Visible states other than those (fastpath function call, disabled). */
  readonly otherState: number;
  /** Sessions whose state the role may not see (other roles' without pg_read_all_stats). */
  readonly unknownState: number;
  readonly oldestIdleInTransactionSeconds: number | null;
  readonly longestQuerySeconds: number | null;
  readonly waitingOnLocks: number;
  /** null before PostgreSQL 14, which has no session counters. */
  readonly counters: SessionCounters | null;
  /** xact_commit and xact_rollback over every database (null when not read). */
  readonly transactions: TransactionCounters | null;
  /** The sessions in a transaction, running or waiting, for the findings to name (not part of the sample). */
  readonly roster?: SessionRoster;
}

/** One sample as the reports show it: the reading's state plus the change since the previous reading. */
export interface MonitorSample {
  readonly seq: number;
  readonly at: string;
  readonly elapsedMs: number;
  readonly clients: number;
  readonly usableSlots: number;
  readonly utilisationPercent: number;
  readonly byState: {
    readonly active: number;
    readonly idle: number;
    readonly idleInTransaction: number;
    readonly other: number;
    readonly unknown: number;
  };
  readonly oldestIdleInTransactionSeconds: number | null;
  readonly longestQuerySeconds: number | null;
  readonly waitingOnLocks: number;
  /** New sessions and abnormal ends since the previous reading; null before PostgreSQL 14. */
  readonly churn: ChurnMetrics | null;
  /** Other clients' transactions since the previous reading. */
  readonly transactions: TransactionRate | null;
  /** The pooler's admin console at the same reading, when the run watches one (its console answered at the start). */
  readonly pooler?: PoolerSample;
}

export { utilisationPercent };

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/**
 * The sample for `current`, with its deltas against `previous` (the baseline reading for the first one,
 * so that every sample has them). pooltune's own session opened before the baseline and is no new session.
 */
export function sampleFrom(
  previous: MonitorReading,
  current: MonitorReading,
  context: {
    readonly seq: number;
    readonly startedAt: number;
    readonly usableSlots: number;
    /** The baseline reading's transaction counters (default: `previous`'s, with one reading since). */
    readonly transactionsBaseline?: TransactionCounters | null;
    /** Others' transactions in the samples before this one (default: none). */
    readonly transactionsSoFar?: TransactionCounters;
    /** Where pooltune's own transactions are counted (rolled back through a pooler). */
    readonly ownTransactionEnd?: OwnTransactionEnd;
    /** The pooler's part (poolerSampleFrom), when the run watches one. */
    readonly pooler?: PoolerSample;
  },
): MonitorSample {
  const fromPrevious = context.transactionsBaseline === undefined;
  const baseline = fromPrevious ? previous.transactions : context.transactionsBaseline;
  const soFar = context.transactionsSoFar ?? { committed: 0, rolledBack: 0 };
  const totals =
    baseline && current.transactions
      ? othersTransactions(
          baseline,
          current.transactions,
          fromPrevious ? 1 : context.seq,
          soFar,
          context.ownTransactionEnd,
        )
      : null;
  return {
    seq: context.seq,
    at: current.wallTime.toISOString(),
    elapsedMs: Math.round(current.at - context.startedAt),
    clients: current.clients,
    usableSlots: context.usableSlots,
    utilisationPercent: utilisationPercent(current.clients, context.usableSlots),
    byState: {
      active: current.active,
      idle: current.idle,
      idleInTransaction: current.idleInTransaction,
      other: current.otherState,
      unknown: current.unknownState,
    },
    oldestIdleInTransactionSeconds: round1(current.oldestIdleInTransactionSeconds),
    longestQuerySeconds: round1(current.longestQuerySeconds),
    waitingOnLocks: current.waitingOnLocks,
    churn:
      previous.counters && current.counters ? churnBetween(previous.counters, current.counters, 0) : null,
    transactions: totals ? transactionRate(soFar, totals, current.at - previous.at) : null,
    ...(context.pooler ? { pooler: context.pooler } : {}),
  };
}

/** Others' transactions up to and with `sample`, given those before it: the next sampleFrom's transactionsSoFar. */
export function transactionsAfter(soFar: TransactionCounters, sample: MonitorSample): TransactionCounters {
  if (!sample.transactions) return soFar;
  return {
    committed: soFar.committed + sample.transactions.committed,
    rolledBack: soFar.rolledBack + sample.transactions.rolledBack,
  };
}

/** The others' transactions over `samples`, to hand to the next sampleFrom. */
export function transactionsIn(samples: readonly MonitorSample[]): TransactionCounters {
  return samples.reduce(transactionsAfter, { committed: 0, rolledBack: 0 });
}
