import { ConnectionError, UsageError } from '../core/errors.js';
import type { SessionCounters } from '../core/health/churn.js';
import type { AcquisitionMetrics, ConnectivityMetrics, QueryLatencyMetrics } from '../core/health/metrics.js';
import { summarizeLatencies } from '../core/health/percentiles.js';
import { histogramOf } from '../core/histogram.js';
import { HEALTH_PROBE } from '../core/guide.js';
import type pg from 'pg';
import type { OpenSession, Session } from './connect.js';
import { refusedQuery, serverGone } from './pool-errors.js';
import { closedLoop, poolRequest } from './pool-driver.js';

export const DEFAULT_PROBE_QUERY = 'SELECT 1';
// A cold process runs its first few thousand round trips slower, until V8 has optimised pg's query path:
// warm up for a while before counting, within a bound of time that a slow --query reaches first.
const { warmupQueries: WARMUP_QUERIES, warmupMs: WARMUP_MS } = HEALTH_PROBE;

/** Times `extra` more fresh connections, one at a time, next to the main session's own connect time. */
export async function measureConnectivity(
  opened: OpenSession,
  extra: number,
  stop?: AbortSignal,
): Promise<ConnectivityMetrics> {
  const samples = [opened.connectMs];
  for (let i = 0; i < extra && !stop?.aborted; i++) {
    const { client, connectMs } = await opened.probeClient();
    samples.push(connectMs);
    await client.end().catch(() => undefined);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    samples: samples.length,
    medianMs: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** A user's --query that the server refused is a usage error; a timeout is a finding. */
function queryProblem(error: unknown, query: string): 'timeout' | never {
  const code = (error as { code?: string }).code;
  if (code === '57014' || (error instanceof ConnectionError && /in time/.test(error.message)))
    return 'timeout';
  if (error instanceof ConnectionError) throw error;
  const message = (error as Error).message?.split('\n')[0] ?? String(error);
  if (code === '25006') throw refusedQuery(error, 'health') ?? error;
  // Only the server's own SQLSTATE says the query itself is at fault; anything else is the connection.
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) {
    throw new ConnectionError(`lost the connection while timing the query: ${message}`, code, [
      'the server may have restarted, or an administrator ended the session',
    ]);
  }
  throw new UsageError(`--query failed${code ? ` (SQLSTATE ${code})` : ''}: ${message}`, [
    `the query was: ${query.slice(0, 200)}`,
  ]);
}

/** Round trips of `query` on the main session, after a short warm-up that is not counted. */
export async function measureQueryLatency(
  session: Session,
  samples: number,
  query: string,
  warmupMaxMs: number = HEALTH_PROBE.warmupMaxMs,
  stop?: AbortSignal,
): Promise<QueryLatencyMetrics> {
  const timings: number[] = [];
  const origin = query === DEFAULT_PROBE_QUERY ? 'own' : 'user';
  let warmup = 0;
  try {
    const started = performance.now();
    const warmUntil = started + Math.min(WARMUP_MS, warmupMaxMs);
    const giveUpAt = started + warmupMaxMs;
    while (
      (warmup < WARMUP_QUERIES || performance.now() < warmUntil) &&
      performance.now() < giveUpAt &&
      !stop?.aborted
    ) {
      await session.runStatement(query, origin);
      warmup += 1;
    }
    for (let i = 0; i < samples && !stop?.aborted; i++) {
      const started = performance.now();
      await session.runStatement(query, origin);
      timings.push(performance.now() - started);
    }
  } catch (error) {
    queryProblem(error, query);
    return {
      query,
      latency: summarizeLatencies(timings),
      histogram: histogramOf(timings),
      warmupSamples: warmup,
      timedOut: true,
    };
  }
  return {
    query,
    latency: summarizeLatencies(timings),
    histogram: histogramOf(timings),
    warmupSamples: warmup,
    timedOut: false,
  };
}

/**
 * Opens the pool's connections at once, timing each acquisition (a connect); a failure is left for the
 * measured window to meet and count.
 */
async function openCold(pool: pg.Pool, size: number): Promise<AcquisitionMetrics['coldStart']> {
  const timings: number[] = [];
  const opened = await Promise.allSettled(
    Array.from({ length: size }, async () => {
      const asked = performance.now();
      const client = await pool.connect();
      timings.push(performance.now() - asked);
      return client;
    }),
  );
  for (const result of opened) if (result.status === 'fulfilled') result.value.release();
  if (timings.length === 0) return null;
  const sorted = timings.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    connects: sorted.length,
    medianMs: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

export interface AcquisitionPlan {
  readonly poolSize: number;
  /** Concurrent callers: more than poolSize, so that some must wait for a connection. */
  readonly callers: number;
  readonly requestedPoolSize: number;
  /** The pooler's client slots bounded poolSize (AcquisitionMetrics.boundBy). */
  readonly boundBy?: 'pooler';
  readonly durationMs: number;
  readonly acquireTimeoutMs: number;
  readonly query: string;
}

/**
 * A pg.Pool of `poolSize` shared by `callers` (more than its connections) for the probe window: each takes a
 * connection, runs the query, gives it back, so callers wait whenever the query holds the connections.
 * The pool's connections are opened first, all at once, as a cold pool's first requests would open them:
 * that cost is kept apart. Every later acquisition's wait is kept, so percentiles come from all of them.
 */
export async function measureAcquisition(
  opened: OpenSession,
  plan: AcquisitionPlan,
  stop?: AbortSignal,
): Promise<AcquisitionMetrics> {
  const empty = {
    poolSize: plan.poolSize,
    callers: plan.callers,
    requestedPoolSize: plan.requestedPoolSize,
    ...(plan.boundBy ? { boundBy: plan.boundBy } : {}),
    durationMs: 0,
    acquisitions: 0,
    coldStart: null,
  };
  if (plan.poolSize < 1) {
    return {
      ...empty,
      waits: summarizeLatencies([]),
      timeouts: 0,
      errors: 0,
      errorCodes: {},
      exhaustedSamples: 0,
    };
  }
  const { pool, close } = await opened.probePool({
    max: plan.poolSize,
    acquireTimeoutMs: plan.acquireTimeoutMs,
  });
  const waits: number[] = [];
  const errorCodes: Record<string, number> = {};
  let timeouts = 0;
  let errors = 0;
  let exhaustedSamples = 0;
  const coldStart = stop?.aborted ? null : await openCold(pool, plan.poolSize);
  const started = performance.now();
  let deadline = started + plan.durationMs;
  const recordError = (error: unknown) => {
    errors += 1;
    const code = (error as { code?: string }).code ?? 'error';
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    if (serverGone(error)) deadline = 0;
    return code;
  };
  const request = async () => {
    if (pool.idleCount === 0 && pool.totalCount >= plan.poolSize && pool.waitingCount > 0)
      exhaustedSamples += 1;
    const origin = plan.query === DEFAULT_PROBE_QUERY ? 'own' : 'user';
    const outcome = await poolRequest(pool, (client) => opened.runStatement(client, plan.query, origin));
    switch (outcome.kind) {
      case 'done':
        waits.push(outcome.acquiredAt - outcome.askedAt);
        return;
      case 'acquire-timeout':
        timeouts += 1;
        return;
      case 'acquire-error':
        recordError(outcome.error);
        // A server that refuses connections outright will not start accepting them within the window.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return;
      case 'query-error': {
        // The connection was acquired: its wait counts, whatever the query did.
        waits.push(outcome.acquiredAt - outcome.askedAt);
        const code = recordError(outcome.error);
        if (code === '25006' || /^42/.test(code)) {
          deadline = 0;
          queryProblem(outcome.error, plan.query);
        }
      }
    }
  };
  try {
    await Promise.all(
      closedLoop(plan.callers, () => performance.now() >= deadline || stop?.aborted === true, request),
    );
  } finally {
    await close();
  }
  return {
    ...empty,
    coldStart,
    durationMs: Math.round(performance.now() - started),
    acquisitions: waits.length,
    waits: summarizeLatencies(waits),
    timeouts,
    errors,
    errorCodes,
    exhaustedSamples,
  };
}

/** pg_stat_database's session counters (14+), summed over the databases. */
export async function readSessionCounters(session: Session): Promise<SessionCounters> {
  const [row] = await session.query<{ sessions: number; abandoned: number; fatal: number; killed: number }>(
    `select coalesce(sum(sessions), 0)::float8 as sessions,
            coalesce(sum(sessions_abandoned), 0)::float8 as abandoned,
            coalesce(sum(sessions_fatal), 0)::float8 as fatal,
            coalesce(sum(sessions_killed), 0)::float8 as killed
       from pg_stat_database`,
  );
  return {
    at: performance.now(),
    sessions: row?.sessions ?? 0,
    abandoned: row?.abandoned ?? 0,
    fatal: row?.fatal ?? 0,
    killed: row?.killed ?? 0,
  };
}
