import { queryForReport } from '../core/sessions/query-text.js';
import type { SessionRef, SessionRoster } from '../core/sessions/roster.js';
import type { Session } from './connect.js';

interface RosterRow {
  pid: number;
  usename: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  xact_s: number | null;
  query_s: number | null;
  state_s: number | null;
  wait_event_type: string | null;
  wait_event: string | null;
  waiting: boolean;
  lock_wait_s: number | null;
  blocked_by: number[] | null;
  query: string | null;
}

export interface RosterOptions {
  readonly canSeeOthers: boolean;
  readonly serverVersionNum: number;
  /** Read the query text (--show-queries); otherwise it never leaves the server. */
  readonly showQueries: boolean;
}

/**
 * The other client sessions that are in a transaction, running, or waiting for a lock, one round trip.
 * pg_locks and pg_blocking_pids are open to every role, so lock waits and their blockers are seen even
 * without pg_read_all_stats; pg_stat_activity then hides other roles' state and ages (null, shown as unknown).
 * pooltune's own session is left out. The same client-session filter as the facts pass (probes/facts.ts).
 */
export async function readSessionRoster(session: Session, options: RosterOptions): Promise<SessionRoster> {
  const lockWaitStartKnown = options.serverVersionNum >= 140000;
  const rows = await session.query<RosterRow>(
    `with waits as (
       select pid, ${lockWaitStartKnown ? 'extract(epoch from now() - min(waitstart))::float8' : 'null::float8'} as lock_wait_s
         from pg_locks where not granted and pid is not null group by pid
     )
     select a.pid, a.usename, a.application_name, host(a.client_addr) as client_addr, a.state,
            extract(epoch from now() - a.xact_start)::float8 as xact_s,
            extract(epoch from now() - a.query_start)::float8 as query_s,
            extract(epoch from now() - a.state_change)::float8 as state_s,
            a.wait_event_type, a.wait_event,
            w.pid is not null as waiting, w.lock_wait_s,
            case when w.pid is not null then pg_blocking_pids(a.pid) end as blocked_by,
            ${options.showQueries ? 'a.query' : 'null::text as query'}
       from pg_stat_activity a
       left join waits w on w.pid = a.pid
      where a.pid <> pg_backend_pid()
        and (a.backend_type = 'client backend'
             or (a.backend_type is null and a.datid is not null and a.usesysid is not null))
        and (w.pid is not null or a.xact_start is not null or a.state = 'active')
      order by a.pid`,
  );
  return {
    canSeeOthers: options.canSeeOthers,
    lockWaitStartKnown,
    sessions: rows.map(sessionOf),
  };
}

function sessionOf(row: RosterRow): SessionRef {
  // Ages are measured in one statement, so rounding to a tenth keeps reports stable without losing anything.
  const age = (s: number | null) => (s === null ? null : Math.max(0, Math.round(s * 10) / 10));
  // Another role's query, to a role that may not read it, is this placeholder: not a query, so left out.
  const query = queryForReport(row.query === '<insufficient privilege>' ? null : row.query);
  return {
    pid: row.pid,
    role: row.usename,
    application: row.application_name === '' ? null : row.application_name,
    clientAddress: row.client_addr,
    state: row.state,
    transactionSeconds: age(row.xact_s),
    querySeconds: age(row.query_s),
    stateSeconds: age(row.state_s),
    waitEvent: row.wait_event_type ? `${row.wait_event_type}:${row.wait_event ?? ''}` : null,
    waitingOnLock: row.waiting,
    lockWaitSeconds: age(row.lock_wait_s),
    blockedBy: row.blocked_by ?? [],
    ...(query === null || query === '' ? {} : { query }),
  };
}
