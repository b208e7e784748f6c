/**
 * What a server says of its place in a replication cluster: primary or hot standby, how far replay is on
 * a standby, and which standbys stream from it. Read once with the server's facts (probes/replication.ts).
 */

export type ServerRole = 'primary' | 'standby';

/** pg_get_wal_replay_pause_state() (14+); older servers only say paused or not. */
export type ReplayPauseState = 'not paused' | 'pause requested' | 'paused';

/** The WAL receiver of a standby, from pg_stat_wal_receiver. */
export interface WalReceiver {
  /** 'streaming', 'waiting', 'stopping' …; null: the role may not read it (needs pg_read_all_stats). */
  readonly status: string | null;
  /** host:port of the server it streams from (11+); null when hidden or unknown. */
  readonly sender: string | null;
}

/**
 * Queries on a standby cancelled by recovery conflicts in the current database since its statistics
 * were reset (pg_stat_database_conflicts), by cause: snapshot conflicts are the ones hot_standby_feedback
 * prevents.
 */
export interface RecoveryConflicts {
  readonly snapshot: number;
  readonly lock: number;
  readonly bufferpin: number;
  readonly deadlock: number;
  readonly tablespace: number;
}

/** Every query cancelled by a recovery conflict, whatever its cause. */
export function conflictTotal(c: RecoveryConflicts): number {
  return c.snapshot + c.lock + c.bufferpin + c.deadlock + c.tablespace;
}

/** A standby's replay, from the pg_last_* functions every role may call. */
export interface ReplayFacts {
  readonly pauseState: ReplayPauseState;
  /** Last WAL received and replayed; null when the standby never streamed (archive recovery only). */
  readonly receiveLsn: string | null;
  readonly replayLsn: string | null;
  /** WAL received but not replayed yet, in bytes; null when nothing was received. */
  readonly lagBytes: number | null;
  /** Commit time of the last transaction replayed: null on a fresh standby until a commit is replayed. */
  readonly lastReplayAt: string | null;
  /**
   * How far behind replay is, in seconds: 0 when everything received is replayed (an idle primary sends
   * nothing, so the age of the last commit is no lag); null when nothing says (no commit replayed yet).
   */
  readonly lagSeconds: number | null;
  /** null: no WAL receiver runs (not streaming); otherwise what the role may see of it. */
  readonly walReceiver: WalReceiver | null;
  /** Queries cancelled by recovery conflicts in this database; null when the server did not say. */
  readonly conflicts: RecoveryConflicts | null;
}

/** A standby streaming from this server, as pg_stat_replication shows it. */
export interface AttachedStandby {
  readonly applicationName: string;
  /** The standby's address; null when hidden from this role or over a Unix socket. */
  readonly clientAddr: string | null;
  /** 'streaming', 'catchup' …; null when hidden from this role. */
  readonly state: string | null;
  /** 'async', 'sync', 'potential', 'quorum'; null when hidden. */
  readonly syncState: string | null;
  /** replay_lag in seconds; null when hidden, or when the standby caught up and went idle. */
  readonly replayLagSeconds: number | null;
  /** WAL sent by this server but not replayed there yet, in bytes; null when hidden. */
  readonly lagBytes: number | null;
}

export interface TopologyFacts {
  readonly role: ServerRole;
  /**
   * pg_control_system().system_identifier: the same on a primary and its physical standbys, so it groups
   * servers into one cluster. null when the role may not call it.
   */
  readonly systemIdentifier: string | null;
  /** On a standby: its replay; null on a primary. */
  readonly replay: ReplayFacts | null;
  /** The standbys streaming from this server (a standby may cascade to others). */
  readonly standbys: readonly AttachedStandby[];
  /**
   * Whether the role reads the replication views' columns (superuser, pg_read_all_stats or pg_monitor):
   * without it the rows are there but state, addresses and lag are NULL, which is "no privilege", not
   * "no replica".
   */
  readonly canReadReplication: boolean;
}

/** A server assumed to be a primary with no standby: for facts built without reading (tests, old callers). */
export const PRIMARY_ALONE: TopologyFacts = {
  role: 'primary',
  systemIdentifier: null,
  replay: null,
  standbys: [],
  canReadReplication: true,
};

/** "walreceiver from 10.0.0.2", or the name alone when the address is hidden. */
export function describeStandby(s: AttachedStandby): string {
  return s.clientAddr === null ? s.applicationName : `${s.applicationName} from ${s.clientAddr}`;
}

/** The role as a report's header states it: "primary", "primary with 2 standbys", "standby". */
export function describeRole(topology: TopologyFacts): string {
  if (topology.role === 'standby') {
    const paused = topology.replay?.pauseState === 'paused' ? ', replay paused' : '';
    return `standby${paused}`;
  }
  const n = topology.standbys.length;
  return n === 0 ? 'primary' : `primary with ${n} standby${n === 1 ? '' : 's'}`;
}
