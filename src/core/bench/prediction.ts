import { predictErlangC } from '../queueing/index.js';
import type { Load } from './load.js';
import type { BenchMeasurement } from './measurement.js';
import type { PoolUnderTest } from './pool.js';

/** What the queueing model recommend --rps uses says this run should have seen. */
export interface WaitModel {
  readonly busyConnections: number;
  /** 0–1; 1 when the load needs at least as many connections as the pool has. */
  readonly waitProbability: number;
  /** null: the queue has no bound. */
  readonly meanWaitMs: number | null;
}

/**
 * Erlang C for an open-loop run, fed the arrivals the run really had (Poisson counts stray from the rate
 * asked by a few percent over seconds) and the mean hold it measured. It assumes random arrivals (true
 * here) and exponential holds: holds less variable than that (fixed ones, or a round trip added to each)
 * wait less than it says.
 *
 * A fleet of `instances` pools sharing the load evenly is the same model with each pool's share of the
 * arrivals: a request waits only for its own instance's pool. Its busy connections are the fleet's.
 */
export function modelFor(
  m: BenchMeasurement,
  pool: PoolUnderTest,
  load: Load,
  instances = 1,
): WaitModel | null {
  if (load.arrivals.kind !== 'open' || m.completed === 0 || !(m.query.meanMs > 0)) return null;
  const arrivals = m.completed + m.timeouts + m.errors;
  const rate = m.windowMs > 0 ? (arrivals * 1000) / m.windowMs : load.arrivals.ratePerSecond;
  const p = predictErlangC({
    ratePerSecond: rate / instances,
    holdMs: m.query.meanMs,
    servers: pool.maxConnections,
  });
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    busyConnections: round(p.offeredLoad * instances),
    waitProbability: p.stable ? round(p.waitProbability) : 1,
    meanWaitMs: p.stable ? round(p.meanWaitMs) : null,
  };
}
