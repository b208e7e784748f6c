import type {
  AttachedStandby,
  ReplayFacts,
  ReplayPauseState,
  TopologyFacts,
  WalReceiver,
} from '../core/topology/facts.js';
import type { Session } from './connect.js';

/** What the replication probe needs to know before it reads: the version and the role's privileges. */
export interface ReplicationContext {
  readonly serverVersionNum: number;
  /** Superuser, pg_read_all_stats or pg_monitor: the replication views' columns are not hidden. */
  readonly canReadReplication: boolean;
}

const PAUSE_STATES: readonly ReplayPauseState[] = ['not paused', 'pause requested', 'paused'];

async function readSystemIdentifier(session: Session): Promise<string | null> {
  const [row] = await session.query<{ id: string }>(
    `select system_identifier::text as id from pg_control_system()`,
  );
  return row?.id ?? null;
}

async function readReplay(session: Session, context: ReplicationContext): Promise<ReplayFacts> {
  // pg_get_wal_replay_pause_state() (14+) tells "pause requested" from "paused"; before it, only a boolean.
  const pause =
    context.serverVersionNum >= 140000
      ? `pg_get_wal_replay_pause_state()`
      : `case when pg_is_wal_replay_paused() then 'paused' else 'not paused' end`;
  const [row] = await session.query<{
    pause_state: string;
    receive_lsn: string | null;
    replay_lsn: string | null;
    lag_bytes: number | null;
    last_replay_at: Date | null;
    since_replay_s: number | null;
  }>(
    `select ${pause} as pause_state,
            pg_last_wal_receive_lsn()::text as receive_lsn,
            pg_last_wal_replay_lsn()::text as replay_lsn,
            pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as lag_bytes,
            pg_last_xact_replay_timestamp() as last_replay_at,
            extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as since_replay_s`,
  );
  if (!row) throw new Error('the standby returned no replay row');
  // sender_host/sender_port came in 11; on 10 the receiver's status is all there is.
  const sender =
    context.serverVersionNum >= 110000
      ? `case when sender_host is null then null else sender_host || ':' || sender_port end`
      : 'null::text';
  const [receiver] = await session.query<{ status: string | null; sender: string | null }>(
    `select status, ${sender} as sender from pg_stat_wal_receiver`,
  );
  // Every role may read pg_stat_database_conflicts: the cancels replay caused in this database.
  const [conflicts] = await session.query<{
    snapshot: number;
    lock: number;
    bufferpin: number;
    deadlock: number;
    tablespace: number;
  }>(
    `select confl_snapshot::float8 as snapshot, confl_lock::float8 as lock,
            confl_bufferpin::float8 as bufferpin, confl_deadlock::float8 as deadlock,
            confl_tablespace::float8 as tablespace
       from pg_stat_database_conflicts
      where datname = current_database()`,
  );
  const walReceiver: WalReceiver | null = receiver
    ? { status: receiver.status, sender: receiver.sender }
    : null;
  const lagBytes = row.lag_bytes === null ? null : Math.max(0, row.lag_bytes);
  const pauseState = PAUSE_STATES.find((s) => s === row.pause_state) ?? 'not paused';
  return {
    pauseState,
    receiveLsn: row.receive_lsn,
    replayLsn: row.replay_lsn,
    lagBytes,
    lastReplayAt: row.last_replay_at === null ? null : new Date(row.last_replay_at).toISOString(),
    // Everything received is replayed: caught up, whatever the age of the last commit on an idle primary.
    lagSeconds: lagBytes === 0 ? 0 : row.since_replay_s === null ? null : Math.max(0, row.since_replay_s),
    walReceiver,
    conflicts: conflicts ?? null,
  };
}

async function readStandbys(session: Session, standby: boolean): Promise<AttachedStandby[]> {
  // The byte lag is measured against this server's WAL position: its current one on a primary, the last
  // received on a cascading standby (pg_current_wal_lsn() fails during recovery).
  const position = standby ? 'pg_last_wal_receive_lsn()' : 'pg_current_wal_lsn()';
  const rows = await session.query<{
    application_name: string | null;
    client_addr: string | null;
    state: string | null;
    sync_state: string | null;
    replay_lag_s: number | null;
    lag_bytes: number | null;
  }>(
    `select application_name, host(client_addr) as client_addr, state, sync_state,
            extract(epoch from replay_lag)::float8 as replay_lag_s,
            pg_wal_lsn_diff(${position}, replay_lsn)::float8 as lag_bytes
       from pg_stat_replication
      order by application_name, client_addr`,
  );
  return rows.map((r) => ({
    applicationName: r.application_name || '(none)',
    clientAddr: r.client_addr,
    state: r.state,
    syncState: r.sync_state,
    replayLagSeconds: r.replay_lag_s,
    lagBytes: r.lag_bytes === null ? null : Math.max(0, r.lag_bytes),
  }));
}

/**
 * Primary or standby, the standby's replay, and the standbys streaming from this server. Read-only
 * functions and views only, each query on its own through `session.query` (so it works through a pooler),
 * adapted to the version: PostgreSQL 10 to 18.
 */
export async function readTopology(session: Session, context: ReplicationContext): Promise<TopologyFacts> {
  // pg_control_system() (9.6+) may be revoked from PUBLIC: asked first, it is not called where it would fail.
  const [recovery] = await session.query<{ in_recovery: boolean; may_read_control: boolean }>(
    `select pg_is_in_recovery() as in_recovery,
            has_function_privilege('pg_control_system()', 'execute') as may_read_control`,
  );
  const standby = recovery?.in_recovery === true;
  return {
    role: standby ? 'standby' : 'primary',
    systemIdentifier: recovery?.may_read_control ? await readSystemIdentifier(session) : null,
    replay: standby ? await readReplay(session, context) : null,
    standbys: await readStandbys(session, standby),
    canReadReplication: context.canReadReplication,
  };
}
