/**
 * The sessions behind the session findings, as pg_stat_activity and pg_locks show them to the role that
 * looks. A role without pg_read_all_stats sees other roles' sessions without their state, ages, wait event
 * and query: those fields are null then, never guessed.
 */
export interface SessionRef {
  readonly pid: number;
  readonly role: string | null;
  readonly application: string | null;
  readonly clientAddress: string | null;
  /** pg_stat_activity.state: 'active', 'idle in transaction' … */
  readonly state: string | null;
  /** Since xact_start: how long the transaction has been open. */
  readonly transactionSeconds: number | null;
  /** Since query_start: how long the current (or, when idle, the last) query has been running. */
  readonly querySeconds: number | null;
  /** Since state_change: how long the session has been in its state. */
  readonly stateSeconds: number | null;
  /** `type:event`, e.g. `Lock:transactionid`, or null. */
  readonly waitEvent: string | null;
  /** Waiting for a heavyweight lock: from pg_locks, which every role may read. */
  readonly waitingOnLock: boolean;
  /** How long the lock wait has lasted (pg_locks.waitstart, PostgreSQL 14+); null when unknown. */
  readonly lockWaitSeconds: number | null;
  /** pg_blocking_pids: the sessions holding what this one waits for. */
  readonly blockedBy: readonly number[];
  /** Only with --show-queries: the query cut to one line, secrets masked. */
  readonly query?: string;
}

/** The other client sessions worth judging (in a transaction, running, or waiting), pooltune's own left out. */
export interface SessionRoster {
  /** Whether the role sees other roles' sessions' state (superuser, pg_read_all_stats or pg_monitor). */
  readonly canSeeOthers: boolean;
  /** pg_locks.waitstart exists (PostgreSQL 14+): lock waits have a known duration. */
  readonly lockWaitStartKnown: boolean;
  readonly sessions: readonly SessionRef[];
}

export const EMPTY_ROSTER: SessionRoster = { canSeeOthers: true, lockWaitStartKnown: true, sessions: [] };
