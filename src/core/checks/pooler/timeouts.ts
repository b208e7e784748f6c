/**
 * Timeouts along the chain app → PgBouncer → PostgreSQL. Each side that closes a connection or cancels a
 * query must do it before the other side does, or the other side finds its connection gone.
 */
import type { Finding } from '../../findings.js';
import { POOLER_QUERY_TIMEOUT_MARGIN_MS, retireBefore } from '../../guide.js';
import type { PlannedService } from '../../plan/server.js';
import type { PoolerFacts } from '../../pooler/facts.js';
import { poolsOf } from '../../pooler/server-bound.js';
import { settingMs, type ServerFacts } from '../../server-facts.js';
import { formatDuration } from '../../units.js';
import { alterRoleSet } from '../fix.js';
import type { PoolerObservation } from '../input.js';
import { outcome, type CheckOutcome } from '../types.js';
import { iniSeconds, pgbouncerTime } from './chain.js';
import { SERVER_NOT_READ } from './server-connections.js';

/** What PgBouncer says of how long a server connection may sit idle in its pool. */
export interface ServerIdleLimits {
  readonly serverIdleTimeoutMs: number;
  /** The longest server_lifetime of any database entry (its own, else the global one). */
  readonly serverLifetimeMs: number;
}

/**
 * How long PgBouncer may keep a server connection idle: server_idle_timeout closes idle ones, and
 * server_lifetime closes unused ones older than it, so the shorter of the two bounds the idle time (0: off
 * for the first; "use once" for the second). Infinity when neither closes them.
 */
export function longestServerIdle({ serverIdleTimeoutMs, serverLifetimeMs }: ServerIdleLimits): number {
  return Math.min(serverIdleTimeoutMs > 0 ? serverIdleTimeoutMs : Infinity, serverLifetimeMs);
}

export function serverIdleLimitsOf(facts: PoolerFacts): ServerIdleLimits {
  const global = facts.config.serverLifetimeMs;
  const lifetimes = facts.databases.map((d) =>
    d.serverLifetimeMs !== null && d.serverLifetimeMs > 0 ? d.serverLifetimeMs : global,
  );
  return {
    serverIdleTimeoutMs: facts.config.serverIdleTimeoutMs,
    serverLifetimeMs: Math.max(global, ...lifetimes),
  };
}

/**
 * PgBouncer's idle server connections against the server's idle_session_timeout: the server must not close
 * them first. `roles` are the roles PgBouncer logs in as, for the per-role alternative.
 */
export function serverIdleFinding(
  limits: ServerIdleLimits,
  idleSessionTimeoutMs: number,
  roles: readonly string[],
): Finding {
  const longest = longestServerIdle(limits);
  const settings = `server_idle_timeout ${pgbouncerTime(limits.serverIdleTimeoutMs)}, server_lifetime ${formatDuration(limits.serverLifetimeMs)}`;
  if (idleSessionTimeoutMs === 0 || longest < idleSessionTimeoutMs) {
    return {
      id: 'pooler-server-idle-timeout',
      severity: 'ok',
      title:
        idleSessionTimeoutMs === 0
          ? `The server does not close idle sessions, so PgBouncer's idle server connections stay until it retires them (${settings})`
          : `PgBouncer retires idle server connections (${settings}) before the server's idle_session_timeout (${formatDuration(idleSessionTimeoutMs)}) closes them`,
    };
  }
  const retire = retireBefore(idleSessionTimeoutMs);
  return {
    id: 'pooler-server-idle-timeout',
    severity: 'warning',
    title: `PgBouncer keeps idle server connections for up to ${Number.isFinite(longest) ? formatDuration(longest) : 'ever'}, but the server's idle_session_timeout closes them after ${formatDuration(idleSessionTimeoutMs)}: clients get connections the server has already closed`,
    observed: `${settings}: the shorter of the two bounds how long a server connection idles in PgBouncer; idle_session_timeout ${formatDuration(idleSessionTimeoutMs)}`,
    expected: `server_idle_timeout below ${formatDuration(idleSessionTimeoutMs)}, e.g. ${formatDuration(retire)}; or idle_session_timeout 0 for the roles PgBouncer logs in as`,
    fix: {
      ini: [`server_idle_timeout = ${iniSeconds(retire)}`],
      ...(roles.length > 0
        ? {
            sql: roles.map(
              (role) => `-- or, on the server: ${alterRoleSet(role, 'idle_session_timeout', 0)}`,
            ),
          }
        : {}),
    },
  };
}

export function serverIdleCheck(obs: PoolerObservation): CheckOutcome {
  if (!obs.server) return outcome([], [{ ...SERVER_NOT_READ, id: 'pooler-server-idle-timeout' }]);
  const roles = [...new Set(poolsOf(obs.facts).map((p) => p.user))];
  const idleSession = settingMs(obs.server, 'idle_session_timeout') ?? 0;
  return outcome([serverIdleFinding(serverIdleLimitsOf(obs.facts), idleSession, roles)]);
}

/**
 * The longest an app connection may sit idle in its pool: its idle timeout, or its lifetime when that is
 * shorter. null (configured as none) never closes it; undefined (not in the plan) is unknown.
 */
export function longestAppIdle(pool: {
  readonly idleTimeoutMs?: number | null | undefined;
  readonly maxLifetimeMs?: number | null | undefined;
}): number | undefined {
  const limits = [pool.idleTimeoutMs, pool.maxLifetimeMs];
  const known = limits.filter((v): v is number => typeof v === 'number');
  if (known.length > 0) return Math.min(...known);
  return limits.every((v) => v === null) ? Infinity : undefined;
}

function idleWords(pool: PlannedService['service']['pool']): string {
  const word = (v: number | null | undefined) =>
    v === undefined ? 'not set' : v === null ? 'none' : formatDuration(v);
  return `idleTimeout ${word(pool.idleTimeoutMs)}, maxLifetime ${word(pool.maxLifetimeMs)}`;
}

/** An app pool's idle connections against PgBouncer's client_idle_timeout. */
export function clientIdleFindings(
  services: readonly PlannedService[],
  clientIdleTimeoutMs: number,
): Finding[] {
  if (clientIdleTimeoutMs === 0) return [];
  return services.flatMap(({ service }): Finding[] => {
    const longest = longestAppIdle(service.pool);
    if (longest === undefined) return [];
    if (longest < clientIdleTimeoutMs) {
      return [
        {
          id: 'pooler-client-idle-timeout',
          severity: 'ok',
          subject: service.name,
          title: `${service.name}: the pool retires idle connections (${idleWords(service.pool)}) before PgBouncer's client_idle_timeout (${formatDuration(clientIdleTimeoutMs)})`,
        },
      ];
    }
    const retire = retireBefore(clientIdleTimeoutMs);
    return [
      {
        id: 'pooler-client-idle-timeout',
        severity: 'warning',
        subject: service.name,
        title: `${service.name}: connections may idle in the pool for ${Number.isFinite(longest) ? formatDuration(longest) : 'ever'}, but PgBouncer's client_idle_timeout closes them after ${formatDuration(clientIdleTimeoutMs)}: the pool hands out connections PgBouncer has closed`,
        observed: idleWords(service.pool),
        expected: `an idleTimeout below ${formatDuration(clientIdleTimeoutMs)}, e.g. ${formatDuration(retire)}; or client_idle_timeout 0`,
        fix: { config: { [service.name]: { idleTimeout: formatDuration(retire) } } },
      },
    ];
  });
}

/**
 * A query queued in PgBouncer counts against the app's query timeout, which is what bounds the wait on the
 * app's side (its acquire timeout covers only the wait for its own pool). The app should give up first:
 * PgBouncer ends a wait by dropping the client connection with query_wait_timeout, which the app sees as a
 * broken connection rather than as a timeout it can retry.
 */
export function queryWaitFindings(
  services: readonly PlannedService[],
  queryWaitTimeoutMs: number,
): Finding[] {
  if (queryWaitTimeoutMs === 0) return [];
  return services.flatMap(({ service }): Finding[] => {
    const timeout = service.pool.queryTimeoutMs;
    if (timeout === undefined || (timeout !== null && timeout < queryWaitTimeoutMs)) return [];
    const longer = Math.max(timeout ?? 0, queryWaitTimeoutMs) + POOLER_QUERY_TIMEOUT_MARGIN_MS;
    return [
      {
        id: 'pooler-query-wait-timeout',
        severity: 'warning',
        subject: service.name,
        title: `${service.name}: a query may wait in PgBouncer's queue until query_wait_timeout (${formatDuration(queryWaitTimeoutMs)}) drops the connection, before the app's queryTimeout (${timeout === null ? 'none' : formatDuration(timeout)}) gives up`,
        observed: `queryTimeout ${timeout === null ? 'none' : formatDuration(timeout)}${service.pool.acquireTimeoutMs === undefined ? '' : `, acquireTimeout ${formatDuration(service.pool.acquireTimeoutMs)} (the wait for the app's own pool, before the query reaches PgBouncer)`}; query_wait_timeout ${formatDuration(queryWaitTimeoutMs)}`,
        expected: `a query_wait_timeout above the app's queryTimeout, so that the app gives up with a timeout of its own (or a queryTimeout below ${formatDuration(queryWaitTimeoutMs)}); else an app that treats a dropped connection (08P01 query_wait_timeout) as a failed request`,
        ...(timeout === null ? {} : { fix: { ini: [`query_wait_timeout = ${iniSeconds(longer)}`] } }),
      },
    ];
  });
}

/** PgBouncer's query_timeout against the server's statement_timeout: the server should cancel first. */
export function queryTimeoutFinding(queryTimeoutMs: number, server: ServerFacts): Finding[] {
  const statement = settingMs(server, 'statement_timeout') ?? 0;
  if (queryTimeoutMs === 0 || statement === 0) return [];
  if (queryTimeoutMs > statement) {
    return [
      {
        id: 'pooler-query-timeout',
        severity: 'ok',
        title: `PgBouncer's query_timeout (${formatDuration(queryTimeoutMs)}) sits above the server's statement_timeout (${formatDuration(statement)})`,
      },
    ];
  }
  const above = statement + POOLER_QUERY_TIMEOUT_MARGIN_MS;
  return [
    {
      id: 'pooler-query-timeout',
      severity: 'warning',
      title: `PgBouncer's query_timeout (${formatDuration(queryTimeoutMs)}) is not above the server's statement_timeout (${formatDuration(statement)}): PgBouncer drops the client connection before the server cancels the statement`,
      observed: `query_timeout ${formatDuration(queryTimeoutMs)}, statement_timeout ${formatDuration(statement)}`,
      expected: `query_timeout slightly above statement_timeout, e.g. ${formatDuration(above)}, as a backstop`,
      fix: { ini: [`query_timeout = ${iniSeconds(above)}`] },
    },
  ];
}

export function appTimeoutsCheck(obs: PoolerObservation): CheckOutcome {
  const { config } = obs.facts;
  return outcome([
    ...clientIdleFindings(obs.services, config.clientIdleTimeoutMs),
    ...queryWaitFindings(obs.services, config.queryWaitTimeoutMs),
  ]);
}

export function queryTimeoutCheck(obs: PoolerObservation): CheckOutcome {
  if (!obs.server) return outcome();
  return outcome(queryTimeoutFinding(obs.facts.config.queryTimeoutMs, obs.server));
}
