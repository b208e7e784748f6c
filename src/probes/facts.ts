import { PooltuneError } from '../core/errors.js';
import { EXIT_CODE } from '../core/exit-codes.js';
import type { ActivityFacts, ConnectionCount, ServerFacts, Setting } from '../core/server-facts.js';
import { detectProvider } from '../core/provider/detect.js';
import type { Session } from './connect.js';
import { readTopology } from './replication.js';
import { readProviderMarkers, readRolePrivileges } from './provider.js';
import { readSessionRoster } from './sessions.js';

/** The settings the checks read; a name the server does not have (e.g. reserved_connections before 16) is skipped. */
export const SETTINGS_READ = [
  'max_connections',
  'superuser_reserved_connections',
  'reserved_connections',
  'idle_in_transaction_session_timeout',
  'idle_session_timeout',
  'statement_timeout',
  'transaction_timeout',
  'lock_timeout',
  'work_mem',
  'hash_mem_multiplier',
  'maintenance_work_mem',
  'shared_buffers',
  // A hot standby's must be at least its primary's (core/topology), and what decides its query conflicts.
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'max_wal_senders',
  'max_worker_processes',
  'hot_standby_feedback',
  'max_standby_streaming_delay',
  'max_standby_archive_delay',
] as const;

const OLDEST_SUPPORTED = 100000;

interface IdentityRow {
  num: number;
  version: string;
  role: string;
  db: string;
  superuser: boolean;
  read_all_stats: boolean;
}

interface ActivityRow {
  state: string | null;
  application_name: string | null;
  usename: string | null;
  own: boolean;
  age_s: number | null;
  state_age_s: number | null;
  wait_event_type: string | null;
}

function counts(rows: readonly ActivityRow[], key: (row: ActivityRow) => string | null): ConnectionCount[] {
  const tally = new Map<string, number>();
  for (const row of rows) {
    const name = key(row) || '(none)';
    tally.set(name, (tally.get(name) ?? 0) + 1);
  }
  return [...tally]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function maxOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.max(...present);
}

function longestIn(rows: readonly ActivityRow[], inState: (state: string) => boolean): number | null {
  return maxOf(rows.filter((r) => r.state !== null && inState(r.state)).map((r) => r.state_age_s));
}

async function readActivity(session: Session, canSeeOthers: boolean): Promise<ActivityFacts> {
  // backend_type (10+) separates client sessions from autovacuum, WAL senders and background workers.
  // A role without pg_read_all_stats sees other roles' sessions with backend_type hidden; those connected
  // to a database as a role are client sessions too.
  const rows = await session.query<ActivityRow>(
    `select state, application_name, usename, pid = pg_backend_pid() as own,
            extract(epoch from now() - backend_start)::float8 as age_s,
            extract(epoch from now() - state_change)::float8 as state_age_s,
            wait_event_type
       from pg_stat_activity
      where backend_type = 'client backend'
         or (backend_type is null and datid is not null and usesysid is not null)`,
  );
  const visible = canSeeOthers ? rows.filter((r) => !r.own) : [];
  return {
    clientBackends: rows.length,
    ownBackends: rows.filter((r) => r.own).length,
    canSeeOthers,
    byState: counts(visible, (r) => r.state),
    byApplication: counts(visible, (r) => r.application_name),
    byRole: counts(visible, (r) => r.usename),
    oldestConnectionSeconds: canSeeOthers ? maxOf(visible.map((r) => r.age_s)) : null,
    longestIdleInTransactionSeconds: canSeeOthers
      ? longestIn(visible, (s) => s.startsWith('idle in transaction'))
      : null,
    longestActiveSeconds: canSeeOthers ? longestIn(visible, (s) => s === 'active') : null,
    longestIdleSeconds: canSeeOthers ? longestIn(visible, (s) => s === 'idle') : null,
    waitingOnLocks: canSeeOthers ? visible.filter((r) => r.wait_event_type === 'Lock').length : null,
  };
}

/**
 * One pass over the catalogs: version, settings, connection usage and limits. Read-only, a handful of
 * queries on one session, adapting to the server version instead of failing on what it lacks.
 */
export async function collectServerFacts(
  session: Session,
  options: { readonly showQueries?: boolean } = {},
): Promise<ServerFacts> {
  const [identity] = await session.query<IdentityRow>(
    `select current_setting('server_version_num')::int as num,
            current_setting('server_version') as version,
            current_user as role,
            current_database() as db,
            coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
            pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') as read_all_stats`,
  );
  if (!identity) throw new Error('the server returned no identity row');
  if (identity.num < OLDEST_SUPPORTED) {
    throw new PooltuneError(
      `PostgreSQL ${identity.version} is older than pooltune supports (10 or newer)`,
      EXIT_CODE.unreachable,
    );
  }
  const settingRows = await session.query<{
    name: string;
    setting: string;
    unit: string | null;
    source: string;
    context: string;
    pending_restart: boolean;
  }>(
    `select name, setting, unit, source, context, pending_restart
       from pg_settings
      where name = any($1::text[]) or pending_restart`,
    [SETTINGS_READ],
  );
  // pooltune bounds its own session; what other sessions get is what it read before doing so.
  const serverRows = settingRows.map((r) => session.serverDefaults.get(r.name) ?? r);
  const settings = new Map<string, Setting>(
    serverRows.map((r) => [
      r.name,
      {
        name: r.name,
        setting: r.setting,
        unit: r.unit,
        source: r.source,
        context: r.context,
        pendingRestart: r.pending_restart,
      },
    ]),
  );
  const canSeeOthers = identity.superuser || identity.read_all_stats;
  const counted = await readActivity(session, canSeeOthers);
  const sessions = await readSessionRoster(session, {
    canSeeOthers,
    serverVersionNum: identity.num,
    showQueries: options.showQueries === true,
  });
  // pg_locks shows every role's lock waits, so they are counted even where the states are hidden.
  const activity = { ...counted, waitingOnLocks: sessions.sessions.filter((s) => s.waitingOnLock).length };
  const roleLimits = await session.query<{ name: string; limit: number }>(
    `select rolname as name, rolconnlimit as limit from pg_roles where rolcanlogin and rolconnlimit >= 0 order by 1`,
  );
  const databaseLimits = await session.query<{ name: string; limit: number }>(
    `select datname as name, datconnlimit as limit from pg_database where datallowconn and datconnlimit >= 0 order by 1`,
  );
  const topology = await readTopology(session, {
    serverVersionNum: identity.num,
    canReadReplication: canSeeOthers,
  });
  const privileges = await readRolePrivileges(session, {
    superuser: identity.superuser,
    serverVersionNum: identity.num,
    settings: SETTINGS_READ,
  });
  const provider = detectProvider(await readProviderMarkers(session));
  return {
    route: session.route,
    serverVersionNum: identity.num,
    serverVersion: identity.version,
    currentRole: identity.role,
    currentDatabase: identity.db,
    isSuperuser: identity.superuser,
    privileges,
    provider,
    settings,
    activity,
    sessions,
    roleLimits,
    databaseLimits,
    topology,
  };
}
