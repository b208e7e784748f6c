import type { PoolMode } from './facts.js';

/**
 * An application pool that connects through a pooler rather than to the server. Its connections are the
 * pooler's clients: the server's slots bound the pooler's own server pool, not the application's pool, so
 * what caps the application is the pooler's client limit, when it is known.
 */
export interface PooledChain {
  readonly mode: PoolMode;
  /**
   * Client connections the pooler admits (PgBouncer's max_client_conn, summed over its processes), when
   * known: read from its admin console or a plan. Unknown, nothing but the workload caps the pool.
   */
  readonly maxClientConn?: number;
}

/** The pool modes an application can be recommended for; statement mode breaks every multi-statement transaction. */
export const CHAIN_MODES = ['transaction', 'session'] as const satisfies readonly PoolMode[];
