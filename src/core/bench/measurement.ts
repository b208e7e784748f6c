import { LOAD_GENERATOR_LIMITS } from '../guide.js';
import { summarizeLatencies, type LatencySummary } from '../health/percentiles.js';
import { histogramOf, type HistogramBin } from '../histogram.js';

/** The pool's own counters at one moment. */
export interface PoolSample {
  readonly atMs: number;
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  /** Requests completed in the measured window so far: the throughput between two samples. */
  readonly completed?: number;
}

/**
 * Every completed request's timings, in ms: how late the load generator sent it (its own delay, not the
 * pool's; 0 in a closed loop), the wait for a connection, and the query; and whether it waited at all (no
 * idle connection was ready when it asked: it queued, or waited for a new connection). Kept in flat typed arrays: a run at tens of thousands of requests per
 * second keeps them all (percentiles come from every sample), without an object per request.
 */
export class RequestLog {
  private size = 0;
  private lag = new Float64Array(1024);
  private acquire = new Float64Array(1024);
  private query = new Float64Array(1024);
  private waitedCount = 0;
  timeouts = 0;
  readonly errors = new Map<string, number>();

  /** Positional, so that a run at tens of thousands of requests per second allocates nothing per request. */
  add(lagMs: number, acquireMs: number, queryMs: number, waited: boolean): void {
    if (this.size === this.lag.length) {
      const grow = (old: Float64Array) => {
        const next = new Float64Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.lag = grow(this.lag);
      this.acquire = grow(this.acquire);
      this.query = grow(this.query);
    }
    this.lag[this.size] = lagMs;
    this.acquire[this.size] = acquireMs;
    this.query[this.size] = queryMs;
    this.size += 1;
    if (waited) this.waitedCount += 1;
  }

  addError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  get completed(): number {
    return this.size;
  }

  get waited(): number {
    return this.waitedCount;
  }

  /** Totals (lag + acquire + query) of the last `count` requests, for a live p99. */
  recentTotals(count: number): number[] {
    const from = Math.max(0, this.size - count);
    const out: number[] = [];
    for (let i = from; i < this.size; i++) out.push(this.total(i));
    return out;
  }

  private total(i: number): number {
    return (this.lag[i] ?? 0) + (this.acquire[i] ?? 0) + (this.query[i] ?? 0);
  }

  /** The log as plain data (copies), for a worker thread to hand to the one that merges the fleet's. */
  data(): RequestLogData {
    return {
      lag: this.lag.slice(0, this.size),
      acquire: this.acquire.slice(0, this.size),
      query: this.query.slice(0, this.size),
      waited: this.waitedCount,
      timeouts: this.timeouts,
      errors: Object.fromEntries(this.errors),
    };
  }

  /** One log holding every request of `logs`: a fleet's percentiles come from all its samples. */
  static merged(logs: readonly RequestLogData[]): RequestLog {
    const out = new RequestLog();
    for (const log of logs) {
      for (let i = 0; i < log.lag.length; i++)
        out.add(log.lag[i] ?? 0, log.acquire[i] ?? 0, log.query[i] ?? 0, false);
      out.waitedCount += log.waited;
      out.timeouts += log.timeouts;
      for (const [code, n] of Object.entries(log.errors))
        out.errors.set(code, (out.errors.get(code) ?? 0) + n);
    }
    return out;
  }

  columns(): { lag: Float64Array; acquire: Float64Array; query: Float64Array; total: Float64Array } {
    const total = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) total[i] = this.total(i);
    return {
      lag: this.lag.subarray(0, this.size),
      acquire: this.acquire.subarray(0, this.size),
      query: this.query.subarray(0, this.size),
      total,
    };
  }
}

/** A RequestLog as plain data: what a bench worker thread sends back. */
export interface RequestLogData {
  readonly lag: Float64Array;
  readonly acquire: Float64Array;
  readonly query: Float64Array;
  readonly waited: number;
  readonly timeouts: number;
  readonly errors: Readonly<Record<string, number>>;
}

/** What one configuration did under the load. */
export interface BenchMeasurement {
  readonly windowMs: number;
  readonly completed: number;
  readonly throughputPerSecond: number;
  /** Open loop: the rate asked for; closed loop: null. */
  readonly offeredPerSecond: number | null;
  readonly acquire: LatencySummary;
  readonly query: LatencySummary;
  /** From the moment the request was due to its result: what a caller of the application would see. */
  readonly total: LatencySummary;
  /** How late the load generator sent requests (open loop). */
  readonly lag: LatencySummary;
  /** The distributions of the waits and totals, on a grid every run shares (a comparison overlays them). */
  readonly histograms?: {
    readonly acquire: readonly HistogramBin[];
    readonly total: readonly HistogramBin[];
  };
  /** Share of completed requests that found no idle connection, 0–1. */
  readonly waitedShare: number;
  readonly timeouts: number;
  /** Timeouts over all requests that asked for a connection, 0–1. */
  readonly timeoutRate: number;
  readonly errors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Mean connections busy with a query (throughput × mean query time, Little's law). */
  readonly busyConnections: number;
  readonly pool: {
    readonly samples: readonly PoolSample[];
    readonly peakTotal: number;
    readonly peakWaiting: number;
    readonly meanWaiting: number;
  };
  /** Load generator's own cost: client CPU per completed request (µs), and its event-loop use (0–1). */
  readonly client: {
    readonly cpuPerRequestUs: number;
    readonly eventLoopUtilisation: number;
    /** It sent requests late or could not keep its schedule: the arrivals were not the ones asked for. */
    readonly fellBehind: boolean;
    /** Share of the requests due in the window that were sent at all, 0–1 (open loop). */
    readonly sentShare: number;
  };
}

// The generator is late by a timer tick or two even when idle; beyond the limits it is a bottleneck itself.
const LIMITS = LOAD_GENERATOR_LIMITS;

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

export interface MeasurementInput {
  readonly log: RequestLog;
  readonly windowMs: number;
  readonly offeredPerSecond: number | null;
  /** Requests the open-loop schedule called for in the window (sent or not). */
  readonly scheduled: number;
  readonly samples: readonly PoolSample[];
  /**
   * The most requests waiting for a connection at once in the window, counted as they start and stop
   * waiting: the periodic samples miss short queues (2 % of requests waited, every sample read 0).
   */
  readonly peakWaiting?: number;
  readonly cpuMicros: number;
  readonly eventLoopUtilisation: number;
}

export function measure(input: MeasurementInput): BenchMeasurement {
  const { log, windowMs } = input;
  const columns = log.columns();
  const errors = [...log.errors.values()].reduce((n, v) => n + v, 0);
  const asked = log.completed + log.timeouts + errors;
  const seconds = windowMs / 1000;
  const query = summarizeLatencies(columns.query);
  const throughput = seconds > 0 ? log.completed / seconds : 0;
  const lag = summarizeLatencies(columns.lag);
  const sentShare = input.scheduled > 0 ? asked / input.scheduled : 1;
  const waitingValues = input.samples.map((s) => s.waiting);
  return {
    windowMs: Math.round(windowMs),
    completed: log.completed,
    throughputPerSecond: round(throughput, 1),
    offeredPerSecond: input.offeredPerSecond,
    acquire: summarizeLatencies(columns.acquire),
    query,
    total: summarizeLatencies(columns.total),
    lag,
    histograms: { acquire: histogramOf(columns.acquire), total: histogramOf(columns.total) },
    waitedShare: log.completed > 0 ? round(log.waited / log.completed, 4) : 0,
    timeouts: log.timeouts,
    timeoutRate: asked > 0 ? round(log.timeouts / asked, 5) : 0,
    errors,
    errorCodes: Object.fromEntries([...log.errors.entries()].sort()),
    busyConnections: round((throughput * query.meanMs) / 1000, 2),
    pool: {
      samples: input.samples,
      peakTotal: Math.max(0, ...input.samples.map((s) => s.total)),
      peakWaiting: Math.max(input.peakWaiting ?? 0, ...waitingValues),
      meanWaiting: waitingValues.length
        ? round(waitingValues.reduce((n, v) => n + v, 0) / waitingValues.length, 2)
        : 0,
    },
    client: {
      cpuPerRequestUs: log.completed > 0 ? round(input.cpuMicros / log.completed, 1) : 0,
      eventLoopUtilisation: round(input.eventLoopUtilisation, 3),
      sentShare: round(Math.min(1, sentShare), 4),
      fellBehind:
        input.offeredPerSecond !== null &&
        (lag.p99Ms > LIMITS.lagP99Ms ||
          sentShare < LIMITS.minSentShare ||
          input.eventLoopUtilisation > LIMITS.busyEventLoop),
    },
  };
}
