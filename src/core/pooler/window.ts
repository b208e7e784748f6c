import type { PoolerFacts } from './facts.js';

/**
 * What PgBouncer's running totals say happened between two readings of its console: how many transactions
 * it served and how long clients waited for a server connection meanwhile. Totals, not SHOW STATS' avg_*
 * columns, which cover PgBouncer's own stats period instead of the window pooltune watched.
 */
export interface PoolerWindow {
  readonly durationMs: number;
  /** The database entries counted (all but the console when none was named). */
  readonly databases: readonly string[];
  readonly transactions: number;
  /** Time clients waited for a server connection, summed; a wait counts when it ends in an assignment. */
  readonly waitMs: number;
  /** Server connections handed to clients (PgBouncer 1.23+); null before. */
  readonly assignments: number | null;
  /** The mean wait per checkout: per assignment (1.23+), else per transaction; null with none. */
  readonly waitPerCheckoutMs: number | null;
  /** Clients queued at the end of the window, and how long the oldest had waited then. */
  readonly clientsWaiting: number;
  readonly maxWaitMs: number;
}

const sum = (values: readonly number[]) => values.reduce((n, v) => n + v, 0);

/**
 * The window between `before` and `after` (`durationMs` apart) over the database entries named, or every
 * entry. A total that went down means PgBouncer restarted in between: the window then starts at zero.
 */
export function poolerWindow(
  before: PoolerFacts,
  after: PoolerFacts,
  durationMs: number,
  databases?: readonly string[],
): PoolerWindow {
  const counted = (name: string) => databases === undefined || databases.includes(name);
  const rows = after.stats.filter((s) => counted(s.database));
  const earlier = (name: string) => before.stats.find((s) => s.database === name);
  const delta = (pick: (s: PoolerFacts['stats'][number]) => number | null) =>
    sum(
      rows.map((row) => {
        const now = pick(row) ?? 0;
        const then = (() => {
          const prior = earlier(row.database);
          return prior ? (pick(prior) ?? 0) : 0;
        })();
        return now >= then ? now - then : now;
      }),
    );
  const transactions = delta((s) => s.totalXactCount);
  const waitMs = delta((s) => s.totalWaitTimeMs);
  const hasAssignments = rows.length > 0 && rows.every((s) => s.totalServerAssignmentCount !== null);
  const assignments = hasAssignments ? delta((s) => s.totalServerAssignmentCount) : null;
  const checkouts = assignments ?? transactions;
  const pools = after.pools.filter((p) => counted(p.database));
  return {
    durationMs: Math.round(durationMs),
    databases: rows.map((s) => s.database),
    transactions,
    waitMs: Math.round(waitMs * 1000) / 1000,
    assignments,
    waitPerCheckoutMs: checkouts > 0 ? Math.round((waitMs / checkouts) * 1000) / 1000 : null,
    clientsWaiting: sum(pools.map((p) => p.clientsWaiting)),
    maxWaitMs: pools.reduce((m, p) => Math.max(m, p.maxWaitMs), 0),
  };
}
