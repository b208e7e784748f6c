/**
 * The finite-source queue (Engset with waiting, M/M/c//N): a fixed set of N callers, such as a worker pool of N
 * threads, each of which has at most one request out at a time. A caller that is waiting cannot send another
 * request, so fewer callers compete for a busy pool than Poisson arrivals would suggest; Erlang C overstates
 * the wait here, and by a lot when N is close to c.
 *
 * The callers are described by what is measurable — the total rate R they achieve and the hold time S — and
 * the per-caller think rate that produces R is solved for, so the result compares directly with Erlang C at
 * the same R and S (and approaches it as N grows).
 */
import { checkShare, offeredLoad, type TrafficAtPool, type WaitPrediction } from './erlang-c.js';

export interface FiniteTrafficAtPool extends TrafficAtPool {
  /** The number of callers N that share the pool. */
  readonly callers: number;
}

/** State probabilities p_k (k requests holding or waiting) for think rate γ and service rate μ = 1. */
function stateProbabilities(callers: number, servers: number, thinkRate: number): Float64Array {
  // Worked in logarithms and normalised once at the end, so thousands of callers neither overflow nor underflow.
  const logs = new Float64Array(callers + 1);
  for (let k = 1; k <= callers; k++) {
    logs[k] = logs[k - 1]! + Math.log(((callers - k + 1) * thinkRate) / Math.min(k, servers));
  }
  let top = -Infinity;
  for (const value of logs) top = Math.max(top, value);
  const p = new Float64Array(callers + 1);
  let sum = 0;
  for (let k = 0; k <= callers; k++) sum += p[k] = Math.exp(logs[k]! - top);
  for (let k = 0; k <= callers; k++) p[k]! /= sum;
  return p;
}

/** Busy connections (throughput × hold time) for the given state probabilities. */
function busy(p: Float64Array, servers: number): number {
  let total = 0;
  for (let k = 0; k < p.length; k++) total += Math.min(k, servers) * p[k]!;
  return total;
}

/** The per-caller think rate (in units of 1/S) at which the callers keep `load` connections busy on average. */
function solveThinkRate(callers: number, servers: number, load: number): number {
  // Busy connections rise monotonically with the think rate, so bisect on its logarithm.
  let low = -60;
  let high = 60;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (busy(stateProbabilities(callers, servers, Math.exp(mid)), servers) < load) low = mid;
    else high = mid;
  }
  return Math.exp((low + high) / 2);
}

/** P(Poisson(x) < n) for n = 1 … count, built term by term in logarithms. */
function poissonBelow(x: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let logTerm = -x;
  let cumulative = 0;
  for (let n = 1; n <= count; n++) {
    cumulative += Math.exp(logTerm);
    out[n - 1] = Math.min(1, cumulative);
    logTerm += Math.log(x) - Math.log(n);
  }
  return out;
}

/**
 * The finite-source prediction for a pool of c connections shared by N callers that together achieve the given
 * rate. Unstable (waits Infinity) when A = R × S ≥ min(N, c): the callers cannot reach that rate on this pool.
 */
export function predictEngset(traffic: FiniteTrafficAtPool): WaitPrediction {
  const { holdMs, servers, callers } = traffic;
  if (!Number.isInteger(callers) || callers < 1) throw new RangeError('callers must be a whole number ≥ 1');
  const load = offeredLoad(traffic.ratePerSecond, holdMs);
  if (!(load > 0) || !(holdMs > 0) || !Number.isInteger(servers) || servers < 1) {
    throw new RangeError('rate, hold time and pool size must be positive');
  }
  const base = { offeredLoad: load, servers, utilisation: load / servers };
  if (load >= Math.min(callers, servers)) {
    return {
      ...base,
      stable: false,
      waitProbability: 1,
      meanWaitMs: Infinity,
      waitQuantileMs: () => Infinity,
    };
  }
  const p = stateProbabilities(callers, servers, solveThinkRate(callers, servers, load));

  // A request arriving sees the other N−1 callers: by the arrival theorem, state k with weight (N−k)·p_k.
  const seen = new Float64Array(callers);
  let weight = 0;
  for (let k = 0; k < callers; k++) weight += seen[k] = (callers - k) * p[k]!;
  for (let k = 0; k < callers; k++) seen[k]! /= weight;

  // Arriving to k ≥ c busy-or-waiting, a request waits for k − c + 1 releases, each at rate c per hold time.
  let waitProbability = 0;
  let meanWaitHolds = 0;
  for (let k = servers; k < callers; k++) {
    waitProbability += seen[k]!;
    meanWaitHolds += (seen[k]! * (k - servers + 1)) / servers;
  }
  const queued = Math.max(0, callers - servers);
  const waitLongerThan = (holds: number): number => {
    const below = poissonBelow(servers * holds, queued);
    let tail = 0;
    for (let k = servers; k < callers; k++) tail += seen[k]! * below[k - servers]!;
    return tail;
  };
  return {
    ...base,
    stable: true,
    waitProbability,
    meanWaitMs: meanWaitHolds * holdMs,
    waitQuantileMs(share: number): number {
      checkShare(share);
      if (waitProbability <= 1 - share) return 0;
      let high = 1;
      while (waitLongerThan(high) > 1 - share && high < 1e9) high *= 2;
      let low = 0;
      for (let i = 0; i < 100 && high - low > 1e-9 * high; i++) {
        const mid = (low + high) / 2;
        if (waitLongerThan(mid) > 1 - share) low = mid;
        else high = mid;
      }
      return high * holdMs;
    },
  };
}
