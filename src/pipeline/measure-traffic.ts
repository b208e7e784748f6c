import { UsageError } from '../core/errors.js';
import { trafficFromCounters, type CounterReading, type MeasuredTraffic } from '../core/traffic-measure.js';
import { formatDuration } from '../core/units.js';
import { hasSessionCounters } from '../core/server-facts.js';
import { readTrafficCounters } from '../probes/traffic.js';
import { sleepUnlessStopped, untilStopped, type StopSignal } from '../ui/interrupt.js';
import { progressOn } from '../ui/progress.js';
import type { Io } from '../ui/io.js';
import type { TargetSession } from './session.js';

/** How often the counters are read for the progress line; only the first and last reading size the pool. */
const SAMPLE_EVERY_MS = 5000;
const FLUSH_INTERVAL_MS = 1100;

export interface Measurement {
  readonly traffic: MeasuredTraffic;
  /** The signal that stopped the window early, if one did: the command exits with its code. */
  readonly stoppedBy: StopSignal | null;
}

/**
 * Watches pg_stat_database for `durationMs` on the target's session. Before PostgreSQL 14 only the rate can
 * be measured, so without a hold time from the user it stops before measuring rather than after.
 */
export async function measureTraffic(
  { connection, facts }: TargetSession,
  io: Io,
  options: { durationMs: number; database: string; holdGiven: boolean; progress: boolean },
): Promise<Measurement> {
  const { session } = connection;
  // The busy-time counters came with the session counters, in PostgreSQL 14.
  const withTimes = hasSessionCounters(facts);
  if (!withTimes && !options.holdGiven) {
    throw new UsageError(
      'this server is older than PostgreSQL 14, which is when pg_stat_database started counting busy time: --measure can measure the rate only; give --hold-ms too',
    );
  }
  const progress = progressOn(io, options.progress);
  const { value: traffic, stoppedBy } = await untilStopped(async (stop) => {
    // A backend flushes its counters at most once a second: wait that out and read once, so that the
    // queries pooltune ran before the window are counted before it opens, not inside it.
    await sleepUnlessStopped(FLUSH_INTERVAL_MS, stop);
    await readTrafficCounters(session, withTimes);
    const first = await readTrafficCounters(session, withTimes);
    let last: CounterReading = first;
    let samples = 1;
    const total = formatDuration(options.durationMs);
    try {
      while (last.atMs - first.atMs < options.durationMs && !stop.aborted) {
        const left = options.durationMs - (last.atMs - first.atMs);
        await sleepUnlessStopped(Math.min(SAMPLE_EVERY_MS, left), stop);
        last = await readTrafficCounters(session, withTimes);
        samples += 1;
        const elapsed = Math.round((last.atMs - first.atMs) / 1000);
        const rate =
          (last.transactions - first.transactions - (samples - 1)) / ((last.atMs - first.atMs) / 1000);
        await progress.step(
          `measuring traffic on ${options.database}: ${elapsed}s of ${total}, ${Math.max(0, Math.round(rate))} transactions/s so far`,
        );
      }
    } finally {
      await progress.done();
    }
    return trafficFromCounters(first, last, {
      database: options.database,
      requestedMs: options.durationMs,
      stoppedEarly: stop.aborted,
      ownTransactions: samples - 1,
    });
  });
  return { traffic, stoppedBy };
}
