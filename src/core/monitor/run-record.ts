import { SampleHistory, type HistoryPoint } from './history.js';
import type { MonitorSample } from './sample.js';
import { RunTally, type MonitorSummary } from './summary.js';
import type { TransactionCounters } from './transactions.js';

/** Samples kept whole for the live view's sparkline: more than a terminal is wide. */
export const RECENT_SAMPLES = 256;

/**
 * What a monitor run keeps of its samples: a running summary (with the others' transactions so far, for the
 * next sample's rates), a bounded history for the charts and the last few samples for the live view. Nothing
 * in it grows with the run, which may last weeks.
 */
export class RunRecord {
  private readonly tally = new RunTally();
  private readonly points = new SampleHistory();
  private readonly lastSamples: MonitorSample[] = [];

  add(sample: MonitorSample): void {
    this.tally.add(sample);
    this.points.add(sample);
    this.lastSamples.push(sample);
    if (this.lastSamples.length > RECENT_SAMPLES) this.lastSamples.shift();
  }

  get samples(): number {
    return this.tally.samples;
  }

  /** Others' transactions over every sample so far (sampleFrom's transactionsSoFar). */
  get transactionsSoFar(): TransactionCounters {
    return this.tally.transactionsSoFar;
  }

  /** The last RECENT_SAMPLES samples, oldest first. */
  get recent(): readonly MonitorSample[] {
    return this.lastSamples;
  }

  get history(): readonly HistoryPoint[] {
    return this.points.all;
  }

  summary(intervalMs: number, hasSessionCounters = true): MonitorSummary {
    return this.tally.summary(intervalMs, hasSessionCounters);
  }
}
