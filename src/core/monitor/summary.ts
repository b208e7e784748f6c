import { utilisationSeverity } from '../guide.js';
import { PoolerTally, type PoolerRunSummary } from './pooler-summary.js';
import type { MonitorSample } from './sample.js';
import { RunningPeak } from './peak.js';
import type { TransactionCounters } from './transactions.js';

/** Utilisation over the run; null figures when no sample was taken. */
export interface UtilisationSummary {
  readonly peakPercent: number | null;
  readonly meanPercent: number | null;
  readonly p95Percent: number | null;
  /** The first sample at the peak: when, and how many clients. */
  readonly peakAt: string | null;
  readonly peakClients: number | null;
  readonly usableSlots: number | null;
  /** Samples at 70–85 % and above 85 %, and when the first of them was taken. */
  readonly warningSamples: number;
  readonly criticalSamples: number;
  readonly firstWarningAt: string | null;
  readonly firstCriticalAt: string | null;
}

export interface ChurnSummary {
  readonly newSessions: number;
  readonly peakPerSecond: number;
  readonly peakAt: string | null;
  readonly abandoned: number;
  readonly fatal: number;
  readonly killed: number;
}

/** Other clients' transactions over the run, from pg_stat_database. */
export interface TransactionSummary {
  readonly committed: number;
  readonly rolledBack: number;
  /** Over the sampled windows. */
  readonly meanPerSecond: number;
  readonly peakPerSecond: number;
  readonly peakAt: string | null;
}

/** The whole run in a few figures: what the findings judge and the summary prints. */
export interface MonitorSummary {
  readonly samples: number;
  readonly intervalMs: number;
  readonly utilisation: UtilisationSummary;
  /** Summed over the samples; null before PostgreSQL 14. */
  readonly churn: ChurnSummary | null;
  /** null when no sample read them. */
  readonly transactions: TransactionSummary | null;
  readonly idleInTransaction: {
    readonly peak: number;
    readonly oldestSeconds: number | null;
    readonly oldestAt: string | null;
  };
  readonly longestQuerySeconds: number | null;
  readonly waitingOnLocks: {
    readonly peak: number;
    readonly samples: number;
    readonly peakAt: string | null;
  };
  /** Samples in which some sessions' state was hidden from the role. */
  readonly unknownStateSamples: number;
  /** The pooler's queue and pools over the run, when the run watched its admin console. */
  readonly pooler?: PoolerRunSummary;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The nearest-rank percentile (as health's) over a count per value. Utilisation is a whole percent, so a
 * run of any length has at most a few hundred distinct values and its p95 stays exact.
 */
function percentileOfCounts(counts: ReadonlyMap<number, number>, total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const value of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(value) ?? 0;
    if (seen >= rank) return value;
  }
  return 0;
}

/**
 * A monitor run summed up sample by sample: every figure of MonitorSummary, in memory that does not grow
 * with the run (monitor may run for weeks at a sample a second). The live view asks for the summary after
 * every sample, so asking is cheap too.
 */
export class RunTally {
  private count = 0;
  private utilisationSum = 0;
  private readonly utilisationCounts = new Map<number, number>();
  private readonly peak = new RunningPeak<MonitorSample>();
  private warning = 0;
  private critical = 0;
  private firstWarningAt: string | null = null;
  private firstCriticalAt: string | null = null;
  private withChurn = 0;
  private readonly churnTotals = { newSessions: 0, abandoned: 0, fatal: 0, killed: 0 };
  private readonly churnPeak = new RunningPeak<{ at: string; perSecond: number }>();
  private counted = 0;
  private readonly transactionTotals = { committed: 0, rolledBack: 0, windowMs: 0 };
  private readonly transactionPeak = new RunningPeak<{ at: string; perSecond: number }>();
  private idleInTransactionPeak = 0;
  private readonly oldestIdle = new RunningPeak<{ at: string; seconds: number | null }>();
  private readonly longestQuery = new RunningPeak<number | null>();
  private readonly locks = new RunningPeak<{ at: string; waiting: number }>();
  private lockSamples = 0;
  private unknownStateSamples = 0;
  private readonly pooler = new PoolerTally();

  /** Samples added so far. */
  get samples(): number {
    return this.count;
  }

  /** Others' transactions over every sample so far (sampleFrom's transactionsSoFar). */
  get transactionsSoFar(): TransactionCounters {
    const { committed, rolledBack } = this.transactionTotals;
    return { committed, rolledBack };
  }

  add(s: MonitorSample): void {
    this.count += 1;
    const u = s.utilisationPercent;
    this.utilisationSum += u;
    this.utilisationCounts.set(u, (this.utilisationCounts.get(u) ?? 0) + 1);
    this.peak.offer(u, s);
    const severity = utilisationSeverity(u);
    if (severity === 'warning') {
      this.warning += 1;
      this.firstWarningAt ??= s.at;
    } else if (severity === 'critical') {
      this.critical += 1;
      this.firstCriticalAt ??= s.at;
    }
    if (s.churn) {
      this.withChurn += 1;
      this.churnTotals.newSessions += s.churn.newSessions;
      this.churnTotals.abandoned += s.churn.abandoned;
      this.churnTotals.fatal += s.churn.fatal;
      this.churnTotals.killed += s.churn.killed;
      this.churnPeak.offer(s.churn.newSessionsPerSecond, {
        at: s.at,
        perSecond: s.churn.newSessionsPerSecond,
      });
    }
    if (s.transactions) {
      this.counted += 1;
      this.transactionTotals.committed += s.transactions.committed;
      this.transactionTotals.rolledBack += s.transactions.rolledBack;
      this.transactionTotals.windowMs += s.transactions.windowMs;
      this.transactionPeak.offer(s.transactions.perSecond, { at: s.at, perSecond: s.transactions.perSecond });
    }
    this.idleInTransactionPeak = Math.max(this.idleInTransactionPeak, s.byState.idleInTransaction);
    this.oldestIdle.offer(s.oldestIdleInTransactionSeconds, {
      at: s.at,
      seconds: s.oldestIdleInTransactionSeconds,
    });
    this.longestQuery.offer(s.longestQuerySeconds, s.longestQuerySeconds);
    this.locks.offer(s.waitingOnLocks, { at: s.at, waiting: s.waitingOnLocks });
    if (s.waitingOnLocks > 0) this.lockSamples += 1;
    if (s.byState.unknown > 0) this.unknownStateSamples += 1;
    this.pooler.add(s);
  }

  /** Peak, mean and p95 utilisation, peak churn and the worst of each session problem so far. */
  summary(intervalMs: number, hasSessionCounters = true): MonitorSummary {
    const peak = this.peak.item;
    const locks = this.locks.item;
    const pooler = this.pooler.summary();
    return {
      samples: this.count,
      intervalMs,
      utilisation: {
        peakPercent: peak?.utilisationPercent ?? null,
        meanPercent: this.count ? round1(this.utilisationSum / this.count) : null,
        p95Percent: this.count ? percentileOfCounts(this.utilisationCounts, this.count, 95) : null,
        peakAt: peak?.at ?? null,
        peakClients: peak?.clients ?? null,
        usableSlots: peak?.usableSlots ?? null,
        warningSamples: this.warning,
        criticalSamples: this.critical,
        firstWarningAt: this.firstWarningAt,
        firstCriticalAt: this.firstCriticalAt,
      },
      churn: hasSessionCounters ? this.churn() : null,
      transactions: this.transactions(),
      idleInTransaction: {
        peak: this.idleInTransactionPeak,
        oldestSeconds: this.oldestIdle.item?.seconds ?? null,
        oldestAt: this.oldestIdle.item?.at ?? null,
      },
      longestQuerySeconds: this.longestQuery.item ?? null,
      waitingOnLocks: {
        peak: locks?.waiting ?? 0,
        samples: this.lockSamples,
        peakAt: locks && locks.waiting > 0 ? locks.at : null,
      },
      unknownStateSamples: this.unknownStateSamples,
      ...(pooler ? { pooler } : {}),
    };
  }

  private churn(): ChurnSummary | null {
    // Samples, none with counters: the server has none to read (before 14).
    if (this.withChurn === 0 && this.count > 0) return null;
    const peak = this.churnPeak.item;
    const { newSessions, abandoned, fatal, killed } = this.churnTotals;
    return {
      newSessions,
      peakPerSecond: peak?.perSecond ?? 0,
      peakAt: peak?.at ?? null,
      abandoned,
      fatal,
      killed,
    };
  }

  private transactions(): TransactionSummary | null {
    if (this.counted === 0) return null;
    const { committed, rolledBack, windowMs } = this.transactionTotals;
    const peak = this.transactionPeak.item;
    return {
      committed,
      rolledBack,
      meanPerSecond: windowMs > 0 ? round1((committed + rolledBack) / (windowMs / 1000)) : 0,
      peakPerSecond: peak?.perSecond ?? 0,
      peakAt: peak && peak.perSecond > 0 ? peak.at : null,
    };
  }
}

/** The summary of a run's samples at once (a RunTally fed them all). */
export function summariseSamples(
  samples: readonly MonitorSample[],
  intervalMs: number,
  hasSessionCounters = true,
): MonitorSummary {
  const tally = new RunTally();
  for (const s of samples) tally.add(s);
  return tally.summary(intervalMs, hasSessionCounters);
}
