/**
 * The M/M/c queue (Erlang C): requests arrive at random (Poisson) at a steady rate, each holds one of c
 * connections for an exponentially distributed time, and a request that finds all c busy waits in line.
 * Everything here is plain arithmetic, stable for offered loads up to many thousands of connections.
 */

/** Erlang B, the share of requests that would be turned away by c servers with no queue, at offered load A. */
export function erlangB(offeredLoad: number, servers: number): number {
  // The recursion B(k) = A·B(k−1) / (k + A·B(k−1)) never forms A^c or c!, so it neither overflows nor loses
  // precision where the textbook sum of A^k/k! would.
  let blocking = 1;
  for (let k = 1; k <= servers; k++) blocking = (offeredLoad * blocking) / (k + offeredLoad * blocking);
  return blocking;
}

/**
 * Erlang C, the probability that a request has to wait for one of c connections at offered load A = rate × hold.
 * It is 1 when A ≥ c: the queue then grows without bound and every request eventually waits.
 */
export function erlangC(offeredLoad: number, servers: number): number {
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  const blocking = erlangB(offeredLoad, servers);
  return (servers * blocking) / (servers - offeredLoad * (1 - blocking));
}

/** What a queueing model predicts for one pool size. Waits are in milliseconds. */
export interface WaitPrediction {
  /** Mean busy connections, A = rate × hold (Little's law). */
  readonly offeredLoad: number;
  readonly servers: number;
  /** A / c: the share of time an average connection is busy. */
  readonly utilisation: number;
  /** False when the pool cannot carry the load (A ≥ c): the waits below are then Infinity. */
  readonly stable: boolean;
  /** The probability that a request finds every connection busy and waits. */
  readonly waitProbability: number;
  /** Mean wait over all requests, including those that do not wait at all. */
  readonly meanWaitMs: number;
  /** The wait that the given share (0 < p < 1) of requests stays at or below. */
  waitQuantileMs(p: number): number;
}

export interface TrafficAtPool {
  /** Requests (transactions) per second. */
  readonly ratePerSecond: number;
  /** Mean time one request holds a connection, in milliseconds. */
  readonly holdMs: number;
  /** Pool size c. */
  readonly servers: number;
}

/** Mean busy connections by Little's law: rate per second × hold time in seconds. */
export function offeredLoad(ratePerSecond: number, holdMs: number): number {
  return (ratePerSecond * holdMs) / 1000;
}

function checkInput({ ratePerSecond, holdMs, servers }: TrafficAtPool): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError('rate must be positive');
  if (!(holdMs > 0) || !Number.isFinite(holdMs)) throw new RangeError('hold time must be positive');
  if (!Number.isInteger(servers) || servers < 1) throw new RangeError('pool size must be a whole number ≥ 1');
}

/**
 * The M/M/c prediction for a pool of c connections: P(wait) by Erlang C, mean wait Wq = P·S/(c−A) and the
 * wait quantiles from the exponential tail P(Wq > t) = P·exp(−(c−A)·t/S).
 */
export function predictErlangC(traffic: TrafficAtPool): WaitPrediction {
  checkInput(traffic);
  const { holdMs, servers } = traffic;
  const load = offeredLoad(traffic.ratePerSecond, holdMs);
  const stable = load < servers;
  const waitProbability = erlangC(load, servers);
  const drain = servers - load; // how much faster the pool frees connections than requests take them
  return {
    offeredLoad: load,
    servers,
    utilisation: load / servers,
    stable,
    waitProbability,
    meanWaitMs: stable ? (waitProbability * holdMs) / drain : Infinity,
    waitQuantileMs(p: number): number {
      checkShare(p);
      if (!stable) return Infinity;
      if (waitProbability <= 1 - p) return 0;
      return (holdMs / drain) * Math.log(waitProbability / (1 - p));
    },
  };
}

export function checkShare(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError('the quantile must be between 0 and 1, exclusive');
}
