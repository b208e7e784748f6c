import { utilisationSeverity } from '../guide.js';
import { percentile } from '../health/percentiles.js';
import { summarisePooler, type PoolerRunSummary } from './pooler-summary.js';
import type { MonitorSample } from './sample.js';
import { peakOf } from './peak.js';

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

function utilisationSummary(samples: readonly MonitorSample[]): UtilisationSummary {
  const values = samples.map((s) => s.utilisationPercent);
  const peak = peakOf(samples, (s) => s.utilisationPercent);
  const warning = samples.filter((s) => utilisationSeverity(s.utilisationPercent) === 'warning');
  const critical = samples.filter((s) => utilisationSeverity(s.utilisationPercent) === 'critical');
  return {
    peakPercent: peak?.utilisationPercent ?? null,
    meanPercent: values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : null,
    p95Percent: values.length
      ? percentile(
          [...values].sort((a, b) => a - b),
          95,
        )
      : null,
    peakAt: peak?.at ?? null,
    peakClients: peak?.clients ?? null,
    usableSlots: peak?.usableSlots ?? null,
    warningSamples: warning.length,
    criticalSamples: critical.length,
    firstWarningAt: warning[0]?.at ?? null,
    firstCriticalAt: critical[0]?.at ?? null,
  };
}

function churnSummary(samples: readonly MonitorSample[]): ChurnSummary | null {
  const withChurn = samples.filter((s) => s.churn !== null);
  if (withChurn.length === 0 && samples.length > 0) return null;
  const sum = (pick: (s: MonitorSample) => number) => withChurn.reduce((n, s) => n + pick(s), 0);
  const peak = peakOf(withChurn, (s) => s.churn?.newSessionsPerSecond ?? null);
  return {
    newSessions: sum((s) => s.churn?.newSessions ?? 0),
    peakPerSecond: peak?.churn?.newSessionsPerSecond ?? 0,
    peakAt: peak?.at ?? null,
    abandoned: sum((s) => s.churn?.abandoned ?? 0),
    fatal: sum((s) => s.churn?.fatal ?? 0),
    killed: sum((s) => s.churn?.killed ?? 0),
  };
}

function transactionSummary(samples: readonly MonitorSample[]): TransactionSummary | null {
  const counted = samples.filter((s) => s.transactions !== null);
  if (counted.length === 0) return null;
  const sum = (pick: (s: MonitorSample) => number) => counted.reduce((n, s) => n + pick(s), 0);
  const committed = sum((s) => s.transactions?.committed ?? 0);
  const rolledBack = sum((s) => s.transactions?.rolledBack ?? 0);
  const windowMs = sum((s) => s.transactions?.windowMs ?? 0);
  const peak = peakOf(counted, (s) => s.transactions?.perSecond ?? null);
  return {
    committed,
    rolledBack,
    meanPerSecond: windowMs > 0 ? round1((committed + rolledBack) / (windowMs / 1000)) : 0,
    peakPerSecond: peak?.transactions?.perSecond ?? 0,
    peakAt: peak && (peak.transactions?.perSecond ?? 0) > 0 ? peak.at : null,
  };
}

function poolerPart(samples: readonly MonitorSample[]): { pooler?: PoolerRunSummary } {
  const pooler = summarisePooler(samples);
  return pooler ? { pooler } : {};
}

/** Peak, mean and p95 utilisation, peak churn and the worst of each session problem over the samples. */
export function summariseSamples(
  samples: readonly MonitorSample[],
  intervalMs: number,
  hasSessionCounters = true,
): MonitorSummary {
  const oldestIdle = peakOf(samples, (s) => s.oldestIdleInTransactionSeconds);
  const longestQuery = peakOf(samples, (s) => s.longestQuerySeconds);
  const locks = peakOf(samples, (s) => s.waitingOnLocks);
  return {
    samples: samples.length,
    intervalMs,
    utilisation: utilisationSummary(samples),
    churn: hasSessionCounters ? churnSummary(samples) : null,
    transactions: transactionSummary(samples),
    idleInTransaction: {
      peak: Math.max(0, ...samples.map((s) => s.byState.idleInTransaction)),
      oldestSeconds: oldestIdle?.oldestIdleInTransactionSeconds ?? null,
      oldestAt: oldestIdle?.at ?? null,
    },
    longestQuerySeconds: longestQuery?.longestQuerySeconds ?? null,
    waitingOnLocks: {
      peak: locks?.waitingOnLocks ?? 0,
      samples: samples.filter((s) => s.waitingOnLocks > 0).length,
      peakAt: locks && locks.waitingOnLocks > 0 ? locks.at : null,
    },
    unknownStateSamples: samples.filter((s) => s.byState.unknown > 0).length,
    ...poolerPart(samples),
  };
}
