import type { ActivityFacts, ServerFacts, Setting } from '../../src/core/server-facts.js';
import type { ServerPlan } from '../../src/core/checks/index.js';
import { SUPERUSER_PRIVILEGES, type RolePrivileges } from '../../src/core/provider/privileges.js';
import { EMPTY_ROSTER } from '../../src/core/sessions/roster.js';
import { PRIMARY_ALONE, type ReplayFacts } from '../../src/core/topology/facts.js';

const UNITS: Readonly<Record<string, [string | null, string]>> = {
  max_connections: [null, 'postmaster'],
  superuser_reserved_connections: [null, 'postmaster'],
  reserved_connections: [null, 'postmaster'],
  idle_in_transaction_session_timeout: ['ms', 'user'],
  idle_session_timeout: ['ms', 'user'],
  statement_timeout: ['ms', 'user'],
  work_mem: ['kB', 'user'],
  maintenance_work_mem: ['kB', 'user'],
};

/**
 * The login a managed service gives: it may ALTER its own role and nothing server-wide. The managed-fix
 * tests and the managed check-server golden both read a server through it.
 */
export const MANAGED_ROLE: RolePrivileges = {
  alterSystemAny: false,
  alterSystemOn: [],
  ownsDatabase: false,
  alterOwnRole: true,
  signalBackend: false,
  createRole: false,
};

/** A standby's replay, streaming and caught up, with overrides: the standby checks and goldens start here. */
export function replayFacts(overrides: Partial<ReplayFacts> = {}): ReplayFacts {
  return {
    pauseState: 'not paused',
    receiveLsn: '0/3000000',
    replayLsn: '0/3000000',
    lagBytes: 0,
    lastReplayAt: '2026-03-01T10:00:00.000Z',
    lagSeconds: 0,
    walReceiver: { status: 'streaming', sender: '10.0.0.1:5432' },
    conflicts: { snapshot: 0, lock: 0, bufferpin: 0, deadlock: 0, tablespace: 0 },
    ...overrides,
  };
}

/** A server as the guide would have it (PostgreSQL 17), with overrides. */
export function serverFacts(
  overrides: {
    settings?: Record<string, number>;
    version?: number;
    activity?: Partial<ActivityFacts>;
  } & Partial<Omit<ServerFacts, 'settings' | 'activity'>> = {},
): ServerFacts {
  const version = overrides.version ?? 17;
  const values: Record<string, number> = {
    max_connections: 100,
    superuser_reserved_connections: 3,
    ...(version >= 16 ? { reserved_connections: 0 } : {}),
    idle_in_transaction_session_timeout: 300_000,
    idle_session_timeout: 0,
    statement_timeout: 30_000,
    work_mem: 4096,
    maintenance_work_mem: 65_536,
    ...overrides.settings,
  };
  const settings = new Map<string, Setting>(
    Object.entries(values).map(([name, value]) => {
      const [unit, context] = UNITS[name] ?? [null, 'user'];
      return [
        name,
        { name, setting: String(value), unit, source: 'configuration file', context, pendingRestart: false },
      ];
    }),
  );
  return {
    serverVersionNum: version * 10000 + 1,
    serverVersion: `${version}.1`,
    currentRole: 'app',
    currentDatabase: 'orders',
    isSuperuser: false,
    // Self-hosted, and every fix one the role may run: the fixes read as they did before providers.
    privileges: SUPERUSER_PRIVILEGES,
    provider: null,
    roleLimits: [],
    databaseLimits: [],
    sessions: EMPTY_ROSTER,
    route: { throughPooler: false, announcedPid: 4242, backendPid: 4242 },
    topology: PRIMARY_ALONE,
    ...overrides,
    settings,
    activity: {
      clientBackends: 1,
      ownBackends: 1,
      canSeeOthers: true,
      byState: [],
      byApplication: [],
      byRole: [],
      oldestConnectionSeconds: null,
      longestIdleInTransactionSeconds: null,
      longestActiveSeconds: null,
      longestIdleSeconds: null,
      waitingOnLocks: null,
      ...overrides.activity,
    },
  };
}

export function plan(overrides: Partial<ServerPlan> = {}): ServerPlan {
  return {
    workload: 'oltp',
    workloadWantsStatementTimeout: true,
    instances: 1,
    behindPooler: false,
    ...overrides,
  };
}
