import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { isAcquireTimeout } from './pool-errors.js';

/**
 * The one pool driver, shared by health's acquisition probe and bench: a request takes a connection from a
 * real pg.Pool, runs one statement and gives the connection back; callers in a closed loop each send their
 * next request when the last one is done.
 */

/** What became of one request; times are performance.now() readings. */
export type PoolRequestOutcome =
  | {
      readonly kind: 'done';
      readonly askedAt: number;
      readonly acquiredAt: number;
      readonly doneAt: number;
      /** No idle connection when asked: the request had to wait for one, or for a new one to open. */
      readonly waited: boolean;
    }
  | { readonly kind: 'acquire-timeout' }
  | { readonly kind: 'acquire-error'; readonly error: unknown }
  | {
      readonly kind: 'query-error';
      readonly askedAt: number;
      readonly acquiredAt: number;
      readonly error: unknown;
    };

export interface PoolRequestHooks {
  /** Holds the connection while its query runs, so that a stop can cancel the query on the server. */
  readonly held?: Set<pg.PoolClient>;
  /** Called as soon as the connection is acquired, while the pool is at its fullest for this request. */
  readonly onAcquired?: () => void;
  /** A request that found no idle connection starts (true) and stops (false) waiting for one. */
  readonly onWaiting?: (waiting: boolean) => void;
}

/** Runs one request's statement on the connection it acquired (read-only and bounded: OpenSession.runStatement). */
export type RunStatement = (client: pg.PoolClient) => Promise<void>;

/**
 * Acquire → run the statement → release. A connection whose query failed is released with the error, so
 * that the pool drops it.
 */
export async function poolRequest(
  pool: pg.Pool,
  runStatement: RunStatement,
  { held, onAcquired, onWaiting }: PoolRequestHooks = {},
): Promise<PoolRequestOutcome> {
  const askedAt = performance.now();
  const waited = pool.idleCount === 0;
  let client: pg.PoolClient;
  if (waited) onWaiting?.(true);
  try {
    client = await pool.connect();
  } catch (error) {
    return isAcquireTimeout(error) ? { kind: 'acquire-timeout' } : { kind: 'acquire-error', error };
  } finally {
    if (waited) onWaiting?.(false);
  }
  const acquiredAt = performance.now();
  onAcquired?.();
  held?.add(client);
  try {
    await runStatement(client);
    held?.delete(client);
    client.release();
  } catch (error) {
    held?.delete(client);
    client.release(error as Error);
    return { kind: 'query-error', askedAt, acquiredAt, error };
  }
  return { kind: 'done', askedAt, acquiredAt, doneAt: performance.now(), waited };
}

/** `callers` callers, each sending its next request as soon as the last is done, until `over()`. */
export function closedLoop(
  callers: number,
  over: () => boolean,
  request: () => Promise<void>,
): Promise<void>[] {
  return Array.from({ length: callers }, async () => {
    // Awaited in place: each caller has at most one request out.
    while (!over()) await request();
  });
}
