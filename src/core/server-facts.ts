import { POSTGRES_DEFAULT_MAX_CONNECTIONS } from './guide.js';
import type { PoolerSighting } from './pooler/sighting.js';
import { providerReservedSlots } from './provider/catalogue.js';
import type { ProviderSighting } from './provider/detect.js';
import type { RolePrivileges } from './provider/privileges.js';
import type { SessionRoster } from './sessions/roster.js';
import type { TopologyFacts } from './topology/facts.js';

/** One row of pg_settings, as the checks need it. */
export interface Setting {
  readonly name: string;
  /** The raw value in the setting's base unit, as pg_settings.setting has it. */
  readonly setting: string;
  /** pg_settings.unit: 'ms', 's', 'min', 'kB', '8kB', 'MB' … or null. */
  readonly unit: string | null;
  readonly source: string;
  /** When a change takes effect: postmaster (restart), sighup (reload), user/superuser (reload, new sessions). */
  readonly context: string;
  readonly pendingRestart: boolean;
}

export interface ConnectionCount {
  readonly name: string;
  readonly count: number;
}

export interface ActivityFacts {
  /** Client backends on the whole server, pooltune's own session included. */
  readonly clientBackends: number;
  /** Client backends of this pooltune run (normally 1). */
  readonly ownBackends: number;
  /** Whether the current role sees other sessions' state (superuser, pg_read_all_stats or pg_monitor). */
  readonly canSeeOthers: boolean;
  /** Only filled when canSeeOthers: other client backends (not pooltune's) by state, application and role. */
  readonly byState: readonly ConnectionCount[];
  readonly byApplication: readonly ConnectionCount[];
  readonly byRole: readonly ConnectionCount[];
  /** Age in seconds of the oldest client connection, and of the longest idle-in-transaction one. */
  readonly oldestConnectionSeconds: number | null;
  readonly longestIdleInTransactionSeconds: number | null;
  /** How long the longest-running active query and the longest idle session have been in that state. */
  readonly longestActiveSeconds: number | null;
  readonly longestIdleSeconds: number | null;
  /** Other sessions waiting on a heavyweight lock (from pg_locks, which every role may read). */
  readonly waitingOnLocks: number | null;
}

export interface ConnectionLimit {
  readonly name: string;
  readonly limit: number;
}

/**
 * How pooltune's session reached the server. Through a pooler, the backend pid announced at login is the
 * pooler's own key, not `pg_backend_pid()`, and the server's client sessions are largely the pooler's.
 */
export interface SessionRoute {
  readonly throughPooler: boolean;
  /** The pid in the login's BackendKeyData (null when the driver did not report one). */
  readonly announcedPid: number | null;
  /** pg_backend_pid() of the server session that answered the first query. */
  readonly backendPid: number;
}

/** Everything check-server and recommend --db read from a server, collected in one pass. */
export interface ServerFacts {
  readonly route: SessionRoute;
  /** The pooler the session went through, and what its admin console said; null or absent: none seen. */
  readonly pooler?: PoolerSighting | null;
  readonly serverVersionNum: number;
  readonly serverVersion: string;
  readonly currentRole: string;
  readonly currentDatabase: string;
  readonly isSuperuser: boolean;
  /** What the role may change itself: ALTER SYSTEM, ALTER DATABASE, ALTER ROLE (the fixes follow it). */
  readonly privileges: RolePrivileges;
  /** The managed service the server runs on, recognised from its roles, functions and settings; null: none. */
  readonly provider: ProviderSighting | null;
  readonly settings: ReadonlyMap<string, Setting>;
  readonly activity: ActivityFacts;
  /** The sessions behind the session findings: in a transaction, running, or waiting for a lock. */
  readonly sessions: SessionRoster;
  readonly roleLimits: readonly ConnectionLimit[];
  readonly databaseLimits: readonly ConnectionLimit[];
  /** Primary or hot standby, the standby's replay, and the standbys streaming from this server. */
  readonly topology: TopologyFacts;
}

/** A setting's value as a number in its base unit, or undefined when the server has no such setting. */
export function numericSetting(facts: ServerFacts, name: string): number | undefined {
  const s = facts.settings.get(name);
  if (!s) return undefined;
  const value = Number(s.setting);
  return Number.isFinite(value) ? value : undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  '8kB': 8192,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

/** A time setting in milliseconds (0 usually means "disabled"). */
export function settingMs(facts: ServerFacts, name: string): number | undefined {
  const s = facts.settings.get(name);
  const value = numericSetting(facts, name);
  if (!s || value === undefined) return undefined;
  return value * (UNIT_MS[s.unit ?? 'ms'] ?? 1);
}

/** A memory setting in bytes. */
export function settingBytes(facts: ServerFacts, name: string): number | undefined {
  const s = facts.settings.get(name);
  const value = numericSetting(facts, name);
  if (!s || value === undefined) return undefined;
  return value * (UNIT_BYTES[s.unit ?? 'B'] ?? 1);
}

/** Client connections on the server that are not this pooltune run's own. */
export function otherClients(facts: Pick<ServerFacts, 'activity'>): number {
  return facts.activity.clientBackends - facts.activity.ownBackends;
}

/**
 * The slots ordinary roles may use: max_connections − superuser_reserved − reserved (16+) − what a
 * recognised provider keeps beyond those. Providers document a total (Azure 15, Neon 7, Aurora 3) without
 * saying whether superuser_reserved_connections is part of it, so only the part above the server's own
 * reserved slots is taken off: the usable count is never lowered twice for the same slots.
 */
export function usableSlots(facts: ServerFacts): {
  max: number;
  superuserReserved: number;
  reserved: number;
  /** Slots the provider keeps beyond superuser_reserved and reserved; 0 self-hosted. */
  providerReserved: number;
  /** Every slot ordinary roles may not use: the three above. */
  totalReserved: number;
  usable: number;
} {
  const max = numericSetting(facts, 'max_connections') ?? POSTGRES_DEFAULT_MAX_CONNECTIONS;
  const superuserReserved = numericSetting(facts, 'superuser_reserved_connections') ?? 0;
  const reserved = numericSetting(facts, 'reserved_connections') ?? 0;
  const documented = facts.provider ? providerReservedSlots(facts.provider.id) : 0;
  const providerReserved = Math.max(0, documented - superuserReserved - reserved);
  const totalReserved = superuserReserved + reserved + providerReserved;
  return { max, superuserReserved, reserved, providerReserved, totalReserved, usable: max - totalReserved };
}

export function majorVersion(facts: Pick<ServerFacts, 'serverVersionNum'>): number {
  return Math.floor(facts.serverVersionNum / 10000);
}

/** pg_stat_database counts sessions (new, abandoned, fatal, killed) from PostgreSQL 14 on: churn needs them. */
export function hasSessionCounters(facts: Pick<ServerFacts, 'serverVersionNum'>): boolean {
  return majorVersion(facts) >= 14;
}
