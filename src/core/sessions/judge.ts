/**
 * The one definition of the session findings: sessions idle in a transaction, long-running queries, long
 * transactions and lock waits, each naming the sessions behind it, worst first, with the statements that end
 * them (printed, never run) and the per-role setting that would have prevented them. check-server, health,
 * preflight and monitor all judge through here.
 */
import type { Finding, FindingId, Fix, Severity } from '../findings.js';
import { LOCK_WAIT_CRITICAL_MS, LOCK_WAIT_WARNING_MS, LONG_SESSION_CRITICAL_FACTOR } from '../guide.js';
import { formatAge, formatDuration } from '../units.js';
import { alterRoleSet } from '../checks/fix.js';
import type { SessionRef, SessionRoster } from './roster.js';
import { sessionFixWhere, type SessionFixAccess } from './who-may.js';

/** The thresholds a user may move (--idle-in-transaction-threshold, --long-query-threshold, --long-transaction-threshold). */
export interface SessionLimits {
  readonly idleInTransactionMs: number;
  readonly longQueryMs: number;
  readonly longTransactionMs: number;
}

/** The server's settings that would have ended such sessions: 0 or null means off. */
export interface SessionSettings {
  readonly idleInTransactionTimeoutMs: number | null;
  readonly statementTimeoutMs: number | null;
  readonly lockTimeoutMs: number | null;
  /** transaction_timeout exists (PostgreSQL 17+). */
  readonly hasTransactionTimeout: boolean;
}

export const SESSION_PROBLEMS = [
  'idle-in-transaction',
  'long-running-queries',
  'long-transactions',
  'lock-waits',
] as const;
export type SessionProblem = (typeof SESSION_PROBLEMS)[number];

/** How many sessions a fix names one by one: the worst, as the text report lists them. */
export const SESSIONS_NAMED_IN_FIX = 5;

const isIdleInTransaction = (s: SessionRef) => s.state?.startsWith('idle in transaction') === true;

/** The age a problem judges a session by, in seconds; null when not visible to the role. */
export function ageFor(problem: SessionProblem, s: SessionRef): number | null {
  switch (problem) {
    case 'idle-in-transaction':
      return s.stateSeconds;
    case 'long-running-queries':
      return s.querySeconds;
    case 'long-transactions':
      return s.transactionSeconds;
    case 'lock-waits':
      return s.lockWaitSeconds;
  }
}

function thresholdFor(problem: SessionProblem, limits: SessionLimits): number {
  switch (problem) {
    case 'idle-in-transaction':
      return limits.idleInTransactionMs;
    case 'long-running-queries':
      return limits.longQueryMs;
    case 'long-transactions':
      return limits.longTransactionMs;
    case 'lock-waits':
      return 0;
  }
}

function isBehind(problem: SessionProblem, s: SessionRef, limits: SessionLimits): boolean {
  const age = ageFor(problem, s);
  const over = age !== null && age * 1000 > thresholdFor(problem, limits);
  switch (problem) {
    case 'idle-in-transaction':
      return isIdleInTransaction(s) && over;
    case 'long-running-queries':
      return s.state === 'active' && over;
    case 'long-transactions':
      return over;
    case 'lock-waits':
      // Every waiting session, whether or not its wait has a known start.
      return s.waitingOnLock;
  }
}

/** The sessions behind a problem, worst (oldest) first; unknown ages last, then by pid. */
export function sessionsBehind(
  problem: SessionProblem,
  roster: SessionRoster,
  limits: SessionLimits,
): SessionRef[] {
  return roster.sessions
    .filter((s) => isBehind(problem, s, limits))
    .sort((a, b) => (ageFor(problem, b) ?? -1) - (ageFor(problem, a) ?? -1) || a.pid - b.pid);
}

/** The worst age among `sessions` (sorted worst first), in seconds. */
export function worstAge(problem: SessionProblem, sessions: readonly SessionRef[]): number | null {
  const first = sessions[0];
  return first ? ageFor(problem, first) : null;
}

const duration = formatAge;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Off (0 or unknown), or longer than `limitMs`: the setting would not have ended the session in time. */
const lets = (settingMs: number | null, limitMs: number) =>
  settingMs === null || settingMs === 0 || settingMs > limitMs;

/**
 * `ALTER ROLE … SET` for each role seen, rather than ALTER SYSTEM: a server-wide timeout also cuts
 * migrations and administrators' sessions, which may rightly run long.
 */
function perRole(roles: readonly string[], setting: string, valueMs: number): string[] {
  return [...roles].sort().map((r) => alterRoleSet(r, setting, formatDuration(valueMs)));
}

/** The statements that end the sessions a fix names, and their roles (null where a role is not visible). */
interface Ending {
  readonly sql: readonly string[];
  readonly roles: readonly (string | null)[];
}

function ending(sessions: readonly SessionRef[], call: 'pg_cancel_backend' | 'pg_terminate_backend'): Ending {
  const named = sessions.slice(0, SESSIONS_NAMED_IN_FIX);
  return { sql: named.map((s) => `SELECT ${call}(${s.pid});`), roles: named.map((s) => s.role) };
}

/** The roles of the sessions seen, the ones a per-role fix sets. */
function rolesOf(sessions: readonly SessionRef[]): string[] {
  return [...new Set(sessions.map((s) => s.role).filter((r): r is string => r !== null))];
}

/**
 * A session finding's fix: end the sessions now, and where the server's setting would not have ended them
 * in time (`timeout`), set it for their roles; `where` says who runs what pooltune's role may not.
 */
function sessionFix(
  sessions: readonly SessionRef[],
  access: SessionFixAccess | undefined,
  end: Ending,
  timeout: { readonly setting: string; readonly ms: number } | null,
): { fix?: Fix } {
  const roles = timeout ? rolesOf(sessions) : [];
  return fixOf(
    [...end.sql, ...(timeout ? perRole(roles, timeout.setting, timeout.ms) : [])],
    sessionFixWhere(access, end.roles, roles),
  );
}

/**
 * An ALTER ROLE … SET takes effect for the role's next sessions; ending a backend takes effect at once.
 * `where` says who runs it when pooltune's role may not (another role's sessions or settings).
 */
function fixOf(sql: readonly string[], where?: string): { fix?: Fix } {
  if (sql.length === 0) return {};
  return {
    fix: {
      sql,
      ...(sql.some((q) => q.startsWith('ALTER ROLE')) ? { newSessions: true } : {}),
      ...(where ? { where } : {}),
    },
  };
}

function longSeverity(ageSeconds: number | null, thresholdMs: number): Severity {
  return ageSeconds !== null && ageSeconds * 1000 > thresholdMs * LONG_SESSION_CRITICAL_FACTOR
    ? 'critical'
    : 'warning';
}

/** Lock waits by how long the longest has lasted; unknown (before 14) is a warning, as any wait used to be. */
export function lockWaitSeverity(longestSeconds: number | null): Severity {
  if (longestSeconds === null) return 'warning';
  const ms = longestSeconds * 1000;
  return ms > LOCK_WAIT_CRITICAL_MS ? 'critical' : ms > LOCK_WAIT_WARNING_MS ? 'warning' : 'info';
}

function blockers(sessions: readonly SessionRef[]): number[] {
  return [...new Set(sessions.flatMap((s) => s.blockedBy))].sort((a, b) => a - b);
}

export interface SessionFindingOptions {
  /** The id of the idle-in-transaction finding: check-server's is `idle-in-transaction-sessions`. */
  readonly idleInTransactionId: Extract<FindingId, 'idle-in-transaction' | 'idle-in-transaction-sessions'>;
  /** monitor: when the sessions were seen, appended to the title. */
  readonly seen?: string;
  /** The sessions in the roster that hold locks others wait for, to say which statement ends them. */
  readonly roster?: SessionRoster;
  /** pooltune's role and what it may do: a fix it may not run whole says who runs it. */
  readonly access?: SessionFixAccess;
}

/** The finding for one problem over the sessions behind it (worst first); none when there are none. */
export function sessionFinding(
  problem: SessionProblem,
  sessions: readonly SessionRef[],
  limits: SessionLimits,
  settings: SessionSettings,
  options: SessionFindingOptions,
): Finding | undefined {
  const n = sessions.length;
  if (n === 0) return undefined;
  const worst = worstAge(problem, sessions);
  const seen = options.seen ? ` (${options.seen})` : '';
  switch (problem) {
    case 'idle-in-transaction': {
      const limit = limits.idleInTransactionMs;
      const timeout = settings.idleInTransactionTimeoutMs;
      const note =
        timeout === 0 || timeout === null
          ? `idle_in_transaction_session_timeout is off, so nothing ends ${plural(n, 'it', 'them')}`
          : `idle_in_transaction_session_timeout is ${formatDuration(timeout)}`;
      return {
        id: options.idleInTransactionId,
        severity: 'warning',
        title: `${n} ${plural(n, 'session has', 'sessions have')} been idle inside a transaction for longer than ${formatDuration(limit)}, the oldest for ${duration(worst ?? 0)}${seen}: ${note}`,
        observed: `${duration(worst ?? 0)} idle in transaction`,
        expected: `under ${formatDuration(limit)}`,
        // Cancelling does nothing to an idle session: only ending it rolls its transaction back.
        ...sessionFix(
          sessions,
          options.access,
          ending(sessions, 'pg_terminate_backend'),
          lets(timeout, limit) ? { setting: 'idle_in_transaction_session_timeout', ms: limit } : null,
        ),
        sessions,
      };
    }
    case 'long-running-queries': {
      const limit = limits.longQueryMs;
      return {
        id: 'long-running-queries',
        severity: longSeverity(worst, limit),
        title: `${n} ${plural(n, 'query has', 'queries have')} been running for longer than ${formatDuration(limit)}, the longest for ${duration(worst ?? 0)}${seen}`,
        observed: `longest query ${duration(worst ?? 0)}`,
        expected: `under ${formatDuration(limit)} (critical above ${formatDuration(limit * LONG_SESSION_CRITICAL_FACTOR)})`,
        ...sessionFix(
          sessions,
          options.access,
          ending(sessions, 'pg_cancel_backend'),
          lets(settings.statementTimeoutMs, limit) ? { setting: 'statement_timeout', ms: limit } : null,
        ),
        sessions,
      };
    }
    case 'long-transactions': {
      const limit = limits.longTransactionMs;
      return {
        id: 'long-transactions',
        severity: longSeverity(worst, limit),
        title: `${n} ${plural(n, 'transaction has', 'transactions have')} been open for longer than ${formatDuration(limit)}, the oldest for ${duration(worst ?? 0)}${seen}: ${plural(n, 'it holds its', 'they hold their')} locks and keep${n === 1 ? 's' : ''} vacuum from removing dead rows`,
        observed: `oldest transaction ${duration(worst ?? 0)}`,
        expected: `under ${formatDuration(limit)} (critical above ${formatDuration(limit * LONG_SESSION_CRITICAL_FACTOR)})`,
        ...sessionFix(
          sessions,
          options.access,
          ending(sessions, 'pg_terminate_backend'),
          settings.hasTransactionTimeout ? { setting: 'transaction_timeout', ms: limit } : null,
        ),
        sessions,
      };
    }
    case 'lock-waits': {
      const holding = blockers(sessions);
      const knownWaits = sessions.some((s) => s.lockWaitSeconds !== null);
      const how = knownWaits
        ? `, the longest for ${duration(worst ?? 0)}`
        : ' for an unknown time (PostgreSQL 13 and older do not record when a wait began)';
      const by =
        holding.length === 0
          ? ''
          : `, blocked by ${plural(holding.length, 'pid', 'pids')} ${holding.join(', ')}`;
      // End what the blockers run (cancel a running statement; an idle transaction must be ended whole).
      const stateOf = (pid: number) => options.roster?.sessions.find((s) => s.pid === pid)?.state ?? null;
      const named = holding.slice(0, SESSIONS_NAMED_IN_FIX);
      const unblock: Ending = {
        sql: named.map((pid) =>
          stateOf(pid) === 'active'
            ? `SELECT pg_cancel_backend(${pid});`
            : `SELECT pg_terminate_backend(${pid});`,
        ),
        roles: named.map((pid) => options.roster?.sessions.find((s) => s.pid === pid)?.role ?? null),
      };
      return {
        id: 'lock-waits',
        severity: lockWaitSeverity(knownWaits ? worst : null),
        title: `${n} ${plural(n, 'session is', 'sessions are')} waiting on a lock${how}${by}${seen}, holding ${plural(n, 'its connection', 'their connections')} while ${plural(n, 'it waits', 'they wait')}`,
        ...(knownWaits ? { observed: `longest lock wait ${duration(worst ?? 0)}` } : {}),
        expected: `under ${formatDuration(LOCK_WAIT_WARNING_MS)} (critical above ${formatDuration(LOCK_WAIT_CRITICAL_MS)})`,
        ...sessionFix(
          sessions,
          options.access,
          unblock,
          lets(settings.lockTimeoutMs, LOCK_WAIT_WARNING_MS)
            ? { setting: 'lock_timeout', ms: LOCK_WAIT_WARNING_MS }
            : null,
        ),
        sessions,
      };
    }
  }
}

/** Every session finding a roster gives, in report order. */
export function sessionFindings(
  roster: SessionRoster,
  limits: SessionLimits,
  settings: SessionSettings,
  options: SessionFindingOptions,
): Finding[] {
  return SESSION_PROBLEMS.flatMap((problem) => {
    const finding = sessionFinding(problem, sessionsBehind(problem, roster, limits), limits, settings, {
      ...options,
      roster,
    });
    return finding ? [finding] : [];
  });
}
