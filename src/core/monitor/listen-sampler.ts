/**
 * monitor --listen's state for one target's session: the previous reading and the running totals, nothing
 * per sample, so that a run of weeks holds as much as a run of a minute. Pure: the loop
 * (pipeline/monitor-listen.ts) hands it each reading, and the memory bench drives it with synthetic ones.
 */
import { sampleMetrics, type MetricValue } from '../metrics/sample-metrics.js';
import type { PoolerSample } from './pooler-sample.js';
import { sampleFrom, transactionsAfter, type MonitorReading, type MonitorSample } from './sample.js';
import type { OwnTransactionEnd, TransactionCounters } from './transactions.js';

export interface ListenSampler {
  /** The sample for `current` and the metric values it sets and adds. */
  next(
    current: MonitorReading,
    pooler?: PoolerSample,
  ): { readonly sample: MonitorSample; readonly set: MetricValue[]; readonly add: MetricValue[] };
}

export function listenSampler(
  baseline: MonitorReading,
  context: { readonly usableSlots: number; readonly ownTransactionEnd: OwnTransactionEnd },
): ListenSampler {
  let previous = baseline;
  let seq = 0;
  // Others' transactions so far, where monitor's summary mode sums its samples.
  let soFar: TransactionCounters = { committed: 0, rolledBack: 0 };
  return {
    next: (current, pooler) => {
      seq += 1;
      const sample = sampleFrom(previous, current, {
        seq,
        startedAt: baseline.at,
        usableSlots: context.usableSlots,
        transactionsBaseline: baseline.transactions,
        transactionsSoFar: soFar,
        ownTransactionEnd: context.ownTransactionEnd,
        ...(pooler ? { pooler } : {}),
      });
      soFar = transactionsAfter(soFar, sample);
      previous = current;
      return { sample, ...sampleMetrics(sample, current.roster) };
    },
  };
}
