import type { HistogramBin } from '../histogram.js';
import type { PoolerWindow } from '../pooler/window.js';
import type { LatencySummary } from './percentiles.js';

/** Fresh connections: TCP, TLS, authentication and start-up. */
export interface ConnectivityMetrics {
  readonly samples: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

/** A small pg.Pool driven by more concurrent callers than it has connections, for the probe window. */
export interface AcquisitionMetrics {
  readonly poolSize: number;
  /** Callers sharing the pool: more than its connections, so that waits can occur. */
  readonly callers: number;
  /** What the cold pool's first requests paid to open its connections (not in `waits`); null if none opened. */
  readonly coldStart: { readonly connects: number; readonly medianMs: number; readonly maxMs: number } | null;
  /** The size asked for, when the free slots made the probe use fewer (or none). */
  readonly requestedPoolSize: number;
  /** Present when the pooler's free client slots, not the server's, bounded the probe (its console was read). */
  readonly boundBy?: 'pooler';
  readonly durationMs: number;
  readonly acquisitions: number;
  readonly waits: LatencySummary;
  readonly timeouts: number;
  readonly errors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  /** The pool had no idle connection and was at its maximum while callers waited. */
  readonly exhaustedSamples: number;
}

export interface QueryLatencyMetrics {
  readonly query: string;
  readonly latency: LatencySummary;
  /** The round trips' distribution (bounded: a fixed grid of bins), for the HTML report's chart. */
  readonly histogram?: readonly HistogramBin[];
  readonly warmupSamples: number;
  /** The query ran into statement_timeout. */
  readonly timedOut: boolean;
}

/** Client sessions on the server as pg_stat_activity shows them. */
export interface UtilisationMetrics {
  readonly role: string;
  readonly usableSlots: number;
  readonly maxConnections: number;
  readonly reservedSlots: number;
  /** Client backends that are not pooltune's. */
  readonly otherClients: number;
  readonly utilisationPercent: number;
  readonly canSeeOthers: boolean;
  readonly active: number | null;
  readonly idle: number | null;
  readonly idleInTransaction: number | null;
  readonly waitingOnLocks: number | null;
  readonly longestActiveSeconds: number | null;
  readonly longestIdleSeconds: number | null;
  readonly longestIdleInTransactionSeconds: number | null;
  /** The server's idle_in_transaction_session_timeout in ms; 0 means disabled. */
  readonly idleInTransactionTimeoutMs: number | null;
}

/** New and abnormally ended sessions over the probe window, from pg_stat_database (14+). */
export interface ChurnMetrics {
  readonly windowMs: number;
  /** Sessions started by others (pooltune's own connections taken out). */
  readonly newSessions: number;
  readonly newSessionsPerSecond: number;
  readonly abandoned: number;
  readonly fatal: number;
  readonly killed: number;
}

export interface HealthMetrics {
  readonly connectivity: ConnectivityMetrics;
  readonly acquisition: AcquisitionMetrics | null;
  readonly queryLatency: QueryLatencyMetrics;
  readonly utilisation: UtilisationMetrics;
  readonly churn: ChurnMetrics | null;
  /** pooltune reached the server through a pooler: the server's new sessions are then mostly the pooler's. */
  readonly throughPooler?: boolean;
  /**
   * What the pooler's console said of the probe's window (its totals before and after): the time requests
   * spent queued in PgBouncer, which the latencies above include.
   */
  readonly poolerWindow?: PoolerWindow;
}
