/** The app fleet's connections against what PgBouncer admits, and in session mode against its server pools. */
import type { Finding, Skipped } from '../../findings.js';
import { spareSlots } from '../../guide.js';
import { effectivePoolMode } from '../../pooler/facts.js';
import { poolsOf, serverBound } from '../../pooler/server-bound.js';
import type { PoolerObservation } from '../input.js';
import { outcome, type CheckOutcome } from '../types.js';
import { fleetConnections, fleetTerms } from './chain.js';

export const NO_FLEET: Skipped = {
  id: 'pooler-client-limit',
  reason: 'no plan names the application fleet in front of the pooler',
  enableWith: 'a pooltune.config.json with the services',
};

/** The smallest max_client_conn per process that admits the fleet with the spare connections left over. */
function fittingMaxClientConn(fleet: number, instances: number): number {
  let perProcess = Math.ceil(fleet / instances);
  while (perProcess * instances - fleet < spareSlots(perProcess * instances)) perProcess += 1;
  return perProcess;
}

export function clientLimitCheck(obs: PoolerObservation): CheckOutcome {
  if (obs.services.length === 0) return outcome([], [NO_FLEET]);
  const fleet = fleetConnections(obs.services);
  const { maxClientConn } = obs.facts.config;
  const admitted = obs.instances * maxClientConn;
  const spare = spareSlots(admitted);
  const observed =
    `fleet ${fleet} (${fleetTerms(obs.services)}); ` +
    `${obs.instances === 1 ? '' : `${obs.instances} processes × `}max_client_conn ${maxClientConn}` +
    `${obs.instances === 1 ? '' : ` = ${admitted}`}, admin console and monitoring connections included`;
  if (fleet + spare <= admitted) {
    return outcome([
      {
        id: 'pooler-client-limit',
        severity: 'ok',
        title: `PgBouncer admits the fleet's ${fleet} connections with ${admitted - fleet} to spare (max_client_conn ${admitted})`,
        observed,
      },
    ]);
  }
  const over = fleet > admitted;
  const perProcess = fittingMaxClientConn(fleet, obs.instances);
  return outcome([
    {
      id: 'pooler-client-limit',
      severity: over ? 'critical' : 'warning',
      title: over
        ? `The app fleet may open ${fleet} connections to PgBouncer, but it admits ${admitted}: ${fleet - admitted} are refused ("no more connections allowed (max_client_conn)")`
        : `PgBouncer admits the fleet's ${fleet} connections with only ${admitted - fleet} to spare for its admin console, monitoring and a deploy's overlap`,
      observed,
      expected: `max_client_conn of at least ${perProcess} per process (the fleet and ${spareSlots(perProcess * obs.instances)} spare); every client is a file descriptor, so the process's open-file limit must allow it`,
      fix: { ini: [`max_client_conn = ${perProcess}`] },
    },
  ]);
}

/**
 * In session mode each client holds a server connection from login to logout, so an app pool's open
 * connections need as many server connections; judged only when every pool runs in session mode, since the
 * plan does not say which service reaches which pool.
 */
export function sessionPoolCheck(obs: PoolerObservation): CheckOutcome {
  const { facts } = obs;
  if (obs.services.length === 0) return outcome();
  const pools = poolsOf(facts);
  const modes = pools.map((p) => effectivePoolMode(facts, p.database, p.user));
  const allSession =
    pools.length === 0 ? facts.config.poolMode === 'session' : modes.every((m) => m === 'session');
  if (!allSession) return outcome();
  const fleet = fleetConnections(obs.services);
  const servers = obs.instances * serverBound(facts).perProcess;
  if (fleet <= servers) {
    return outcome([
      {
        id: 'pooler-session-pool',
        severity: 'ok',
        title: `Session mode: PgBouncer's pools may open ${servers} server connections, enough for the fleet's ${fleet} sessions`,
      },
    ]);
  }
  const finding: Finding = {
    id: 'pooler-session-pool',
    severity: 'critical',
    title: `Session mode: the fleet may hold ${fleet} sessions, but PgBouncer's pools open at most ${servers} server connections; the other ${fleet - servers} clients wait until a session ends, or until query_wait_timeout drops them`,
    observed: `fleet ${fleet} (${fleetTerms(obs.services)}); each client keeps its server connection for its whole session, and app pools keep their connections open`,
    expected: `at most ${servers} app connections in all, or larger server pools where the server has slots for them, or transaction mode when the app keeps no state in its sessions`,
  };
  return outcome([finding]);
}
