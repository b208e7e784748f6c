import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { ConnectionError } from '../core/errors.js';
import { nextArrivalGapMs, requestStatement, type Load, type Random } from '../core/bench/load.js';
import { percentile } from '../core/health/percentiles.js';
import {
  measure,
  RequestLog,
  type BenchMeasurement,
  type MeasurementInput,
  type PoolSample,
  type RequestLogData,
} from '../core/bench/measurement.js';
import type { PoolUnderTest } from '../core/bench/pool.js';
import type { OpenSession, ProbeAccess } from './connect.js';
import { isAcquireTimeout, refusedQuery, serverGone } from './pool-errors.js';
import { closedLoop, poolRequest } from './pool-driver.js';

export interface BenchProgress {
  readonly phase: 'warm-up' | 'measuring';
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly completed: number;
  readonly throughputPerSecond: number;
  /** p99 of the last requests' total time, for the live view. */
  readonly recentP99Ms: number;
}

export interface BenchHooks {
  /** Aborted on Ctrl-C: stop sending, let what is in flight finish briefly, report what was measured. */
  readonly stop: AbortSignal;
  readonly onProgress?: (progress: BenchProgress) => void;
  readonly random?: Random;
  /** Return what the measurement was made from too (a fleet's instance: the fleet is measured from all). */
  readonly keepRaw?: boolean;
}

/** Where bench drives its pool: probe connections, and a way to cancel their queries on the server. */
export interface LoadAccess extends ProbeAccess {
  /** Cancels the queries of these backends (pg_cancel_backend), on a connection other than theirs. */
  cancelBackends(pids: readonly number[]): Promise<void>;
}

/** The main session's probe access, cancelling through the session itself. */
export function loadAccessOf(opened: OpenSession): LoadAccess {
  return {
    ...opened,
    cancelBackends: async (pids) => {
      await opened.session
        .query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids])
        .catch(() => undefined);
    },
  };
}

/** What a measurement is made from, as plain data. */
export type RawMeasurement = Omit<MeasurementInput, 'log'> & { readonly log: RequestLogData };

export interface BenchRun {
  readonly measurement: BenchMeasurement;
  readonly stoppedEarly: boolean;
  /** The most connections the pool held at once. */
  readonly peakPoolConnections: number;
  /** With hooks.keepRaw. */
  readonly raw?: RawMeasurement;
}

const PROGRESS_EVERY_MS = 500;
// After a stop, requests in flight get this long before the pool is closed under them.
const STOP_GRACE_MS = 400;

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : 'client-error';
};

function lostServer(error: unknown): ConnectionError {
  const message = (error as Error).message?.split('\n')[0] ?? String(error);
  return new ConnectionError(`lost the server during the run: ${message}`, codeOf(error), [
    'the server may have restarted, or an administrator ended pooltune’s sessions',
  ]);
}

/** Opens `min` connections before the clock starts, as a pool that has been running would have them. */
async function prewarm(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/**
 * Drives a real pg.Pool shaped as `shape` with `load`: a warm-up that is not counted, then the measured
 * window. Every completed request's timings are kept. The pool is closed whatever happens.
 */
export async function driveLoad(
  opened: LoadAccess,
  shape: PoolUnderTest,
  load: Load,
  hooks: BenchHooks,
): Promise<BenchRun> {
  const random = hooks.random ?? Math.random;
  const { pool, close } = await opened.probePool({
    max: shape.maxConnections,
    min: shape.minConnections,
    acquireTimeoutMs: shape.acquireTimeoutMs,
    idleTimeoutMs: shape.idleTimeoutMs,
    maxLifetimeMs: shape.maxLifetimeMs,
  });
  try {
    await prewarm(pool, shape.minConnections);
  } catch (error) {
    await close();
    throw serverGone(error) || !isAcquireTimeout(error) ? lostServer(error) : error;
  }

  let fatal: Error | undefined;
  let peakPool = pool.totalCount;
  // Connections out with a request, so that a stop can cancel their queries rather than wait for them.
  const held = new Set<pg.PoolClient>();
  const inFlight = new Set<Promise<void>>();
  const warmupLog = new RequestLog();
  const log = new RequestLog();
  const started = performance.now();
  const measureFrom = started + load.warmupMs;
  const measureUntil = measureFrom + load.durationMs;
  let stoppedAt: number | undefined;
  const stopped = () => stoppedAt !== undefined || fatal !== undefined;
  // A stop ends the wait for the load at once; requests in flight are dealt with after it.
  let resolveStopped = () => {};
  const stoppedSignal = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onStop = () => {
    stoppedAt ??= performance.now();
    resolveStopped();
  };
  hooks.stop.addEventListener('abort', onStop, { once: true });
  if (hooks.stop.aborted) onStop();

  const notePeak = () => {
    peakPool = Math.max(peakPool, pool.totalCount);
  };
  let waitingNow = 0;
  let peakWaiting = 0;
  const noteWaiting = (waiting: boolean) => {
    waitingNow += waiting ? 1 : -1;
    const now = performance.now();
    if (now >= measureFrom && now <= measureUntil) peakWaiting = Math.max(peakWaiting, waitingNow);
  };
  const request = async (dueAt: number): Promise<void> => {
    const into = dueAt < measureFrom ? warmupLog : log;
    const statement = load.work.kind === 'select-1' ? 'SELECT 1' : requestStatement(load.work, random);
    const origin = load.work.kind === 'query' ? 'user' : 'own';
    const outcome = await poolRequest(pool, (client) => opened.runStatement(client, statement, origin), {
      held,
      onAcquired: notePeak,
      onWaiting: noteWaiting,
    });
    switch (outcome.kind) {
      case 'done':
        into.add(
          outcome.askedAt - dueAt,
          outcome.acquiredAt - outcome.askedAt,
          outcome.doneAt - outcome.acquiredAt,
          outcome.waited,
        );
        return;
      case 'acquire-timeout':
        into.timeouts += 1;
        return;
      case 'acquire-error':
        into.addError(codeOf(outcome.error));
        // A connection that could not be opened failed the way a login fails: say so the same way.
        if (serverGone(outcome.error)) fatal ??= opened.connectionError(outcome.error);
        return;
      case 'query-error': {
        const { error } = outcome;
        // Queries cancelled because the run was stopped are not the server's failures.
        if (stoppedAt !== undefined && codeOf(error) === '57014') return;
        into.addError(codeOf(error));
        fatal ??=
          (load.work.kind === 'query' ? refusedQuery(error, 'bench') : undefined) ??
          // A pooler that drops a waiting request (query_wait_timeout) says why, as at login.
          (codeOf(error) === '08P01' ? opened.connectionError(error) : undefined) ??
          (serverGone(error) ? lostServer(error) : undefined);
      }
    }
  };
  const launch = (dueAt: number) => {
    const done = request(dueAt).finally(() => inFlight.delete(done));
    inFlight.add(done);
    return done;
  };

  // The pool's counters over the measured window, at most a few hundred points whatever its length.
  const samples: PoolSample[] = [];
  const sampleEvery = Math.max(250, load.durationMs / 400);
  const sampler = setInterval(() => {
    const now = performance.now();
    peakPool = Math.max(peakPool, pool.totalCount);
    if (now < measureFrom || now > measureUntil) return;
    samples.push({
      atMs: Math.round(now - measureFrom),
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      completed: log.completed,
    });
  }, sampleEvery);
  const progress = setInterval(() => {
    const now = performance.now();
    const measuring = now >= measureFrom;
    const elapsed = measuring ? now - measureFrom : now - started;
    const current = measuring ? log : warmupLog;
    hooks.onProgress?.({
      phase: measuring ? 'measuring' : 'warm-up',
      elapsedMs: Math.min(elapsed, measuring ? load.durationMs : load.warmupMs),
      durationMs: measuring ? load.durationMs : load.warmupMs,
      completed: current.completed,
      throughputPerSecond: elapsed > 0 ? (current.completed / elapsed) * 1000 : 0,
      recentP99Ms: percentile(Float64Array.from(current.recentTotals(1000)).sort(), 99),
    });
  }, PROGRESS_EVERY_MS);

  let cpu: NodeJS.CpuUsage | undefined;
  let loop: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  const startClocks = () => {
    cpu = process.cpuUsage();
    loop = performance.eventLoopUtilization();
  };
  let scheduled = 0;
  try {
    if (load.warmupMs === 0) startClocks();
    else setTimeout(startClocks, load.warmupMs);
    let loadDone: Promise<unknown>;
    if (load.arrivals.kind === 'closed') {
      const workers = closedLoop(
        load.arrivals.clients,
        () => performance.now() >= measureUntil || stopped(),
        () => request(performance.now()),
      );
      for (const w of workers) inFlight.add(w);
      loadDone = Promise.all(workers);
    } else {
      const rate = load.arrivals.ratePerSecond;
      loadDone = new Promise<void>((resolve) => {
        let due = started + nextArrivalGapMs(rate, random);
        const tick = () => {
          const now = performance.now();
          // Everything already due goes now, stamped with the time it was due: lateness counts against
          // the generator, never hides as a shorter wait.
          while (due <= now && due < measureUntil && !stopped()) {
            if (due >= measureFrom) scheduled += 1;
            void launch(due);
            due += nextArrivalGapMs(rate, random);
          }
          if (due >= measureUntil || stopped()) {
            resolve();
            return;
          }
          setTimeout(tick, Math.max(0, due - performance.now()));
        };
        tick();
      });
    }
    await Promise.race([loadDone, stoppedSignal]);
    const endedAt = Math.min(performance.now(), stoppedAt ?? Infinity);
    const usage = cpu ? process.cpuUsage(cpu) : { user: 0, system: 0 };
    const elu = loop ? performance.eventLoopUtilization(loop).utilization : 0;
    // What is in flight finishes (it was sent inside the window); after a stop only briefly.
    const grace = stoppedAt === undefined ? shape.acquireTimeoutMs + 60_000 : STOP_GRACE_MS;
    const settled = () => Promise.all(inFlight);
    await Promise.race([settled(), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
    if (stoppedAt !== undefined && held.size > 0) {
      // A long hold would keep its backend busy after the socket closed: cancel on the server instead.
      // Through a pooler the connection's pid is the pooler's key, not a backend: closing it is all there is.
      const pids = [...held].map((c) => opened.backendPidOf(c)).filter((pid) => pid !== null);
      if (pids.length > 0) await opened.cancelBackends(pids).catch(() => undefined);
      await Promise.race([settled(), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    }
    if (fatal) throw fatal;
    const windowMs = Math.max(0, Math.min(endedAt, measureUntil) - measureFrom);
    const input = {
      windowMs,
      offeredPerSecond: load.arrivals.kind === 'open' ? load.arrivals.ratePerSecond : null,
      scheduled,
      samples,
      peakWaiting,
      cpuMicros: usage.user + usage.system,
      eventLoopUtilisation: elu,
    };
    return {
      measurement: measure({ log, ...input }),
      stoppedEarly: stoppedAt !== undefined,
      peakPoolConnections: peakPool,
      ...(hooks.keepRaw ? { raw: { log: log.data(), ...input } } : {}),
    };
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
    hooks.stop.removeEventListener('abort', onStop);
    await Promise.race([close(), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
  }
}
