/**
 * The server side of a pooled chain: how many server connections a PgBouncer in front of the server may
 * open, and its timeouts, from the server's budget and settings and the application's pool. Pure; the
 * pgbouncer emitter prints it with the reason for each value.
 */
import type { ServerBudget } from '../budget.js';
import { activeConnectionBound, type DatabaseHardware } from '../cpu-bound.js';
import { BUDGET_SHARE_PERCENT, budgetShare } from '../guide.js';
import { recommendPoolFromTraffic, type TrafficDemand } from '../traffic-sizing.js';
import { formatDuration } from '../units.js';
import type { PoolSettings, WorkloadPreset } from '../workload.js';
import type { PoolMode } from './facts.js';

export interface ServerPoolInput {
  readonly mode: PoolMode;
  /** The server's connection budget, read with --db or from the flags' defaults. */
  readonly budget: ServerBudget;
  /** The application's recommended pool: its size, acquire and query timeouts. */
  readonly appPool: PoolSettings;
  /** Application instances, each with `appPool`: together the pooler's clients. */
  readonly appInstances: number;
  readonly hardware?: DatabaseHardware;
  /** The fleet's traffic (and the preset sized with it): the pooler multiplexes it all onto one server pool. */
  readonly traffic?: { readonly demand: TrafficDemand; readonly preset: WorkloadPreset };
  /** The server's statement_timeout and idle_session_timeout in ms (0: off), when read with --db. */
  readonly serverStatementTimeoutMs?: number;
  readonly serverIdleSessionTimeoutMs?: number;
  /**
   * PgBouncer processes in front of the server (one per host, pod or so_reuseport): they do not coordinate,
   * so each gets its share of the server's bounds, and of the fleet's clients.
   */
  readonly poolerInstances?: number;
}

/** One pgbouncer.ini setting: its value and why. */
export interface IniSetting {
  readonly key: string;
  readonly value: string | number;
  readonly why: string;
}

export interface ServerPoolSizing {
  readonly defaultPoolSize: number;
  readonly reservePoolSize: number;
  /** The PgBouncer processes the sizes are a share for: each gets these values. */
  readonly processes: number;
  /** What set default_pool_size. */
  readonly decidedBy: 'budget' | 'cpu' | 'traffic' | 'clients';
  readonly settings: readonly IniSetting[];
  /** Worth saying beside the settings: what does not fit, what needs a newer PgBouncer. */
  readonly warnings: readonly string[];
}

const SECOND = 1000;
/** PgBouncer's defaults for the settings whose value only changes with a reason. */
const PGBOUNCER_SERVER_IDLE_TIMEOUT_S = 600;
const PGBOUNCER_SERVER_LIFETIME_S = 3600;
/** Connections beyond the fleet that max_client_conn keeps for the admin console, monitoring and psql. */
const ADMIN_CLIENTS = 10;

/** Whole seconds, as pgbouncer.ini takes them: `s(30_000)` → 30. */
const seconds = (ms: number): number => Math.round(ms / SECOND);

export function sizeServerPool(input: ServerPoolInput): ServerPoolSizing {
  const { budget, appPool, appInstances, hardware, traffic, mode } = input;
  const processes = Math.max(1, input.poolerInstances ?? 1);
  const share = (total: number) => Math.floor(total / processes);
  const warnings: string[] = [];
  const usable = budget.maxConnections - budget.reservedConnections - budget.otherConnections;
  // One [databases] entry and one application role: one pool, so pool + reserve is what reaches the server.
  const budgetCap = Math.max(0, share(budgetShare(usable)));
  const clients = Math.ceil((appPool.maxConnections * appInstances) / processes);
  const cpuBound = hardware ? Math.max(1, share(activeConnectionBound(hardware))) : undefined;
  const trafficTotal = traffic
    ? recommendPoolFromTraffic(
        { preset: traffic.preset, instances: 1, budget },
        {
          ...traffic.demand,
          ...(traffic.demand.callers === undefined ? {} : { callers: traffic.demand.callers * appInstances }),
        },
      ).traffic.neededPoolSize
    : undefined;
  const trafficNeeded =
    trafficTotal === undefined ? undefined : Math.max(1, Math.ceil(trafficTotal / processes));

  const candidates: [ServerPoolSizing['decidedBy'], number][] = [
    ['budget', budgetCap],
    ['clients', clients],
  ];
  if (cpuBound !== undefined) candidates.push(['cpu', cpuBound]);
  if (trafficNeeded !== undefined) candidates.push(['traffic', trafficNeeded]);
  // The smallest bound wins; a tie goes to the earlier reason in this order: traffic, cpu, clients, budget.
  const order = ['traffic', 'cpu', 'clients', 'budget'];
  candidates.sort((a, b) => a[1] - b[1] || order.indexOf(a[0]) - order.indexOf(b[0]));
  const [decidedBy, smallest] = candidates[0] ?? ['budget', budgetCap];
  let pool = Math.max(1, smallest);
  // A few more once a client has waited: never past the budget, and pointless when every client has a server.
  let reserve = decidedBy === 'clients' ? 0 : Math.max(1, Math.ceil(pool / 10));
  if (pool + reserve > budgetCap) {
    reserve = Math.min(reserve, Math.max(0, budgetCap - 1));
    pool = Math.max(1, budgetCap - reserve);
  }
  if (budgetCap < 1) {
    reserve = 0;
    warnings.push(
      `The server has no slots to spare for the pooler (${usable} usable): even one server connection does not fit the guide's ${BUDGET_SHARE_PERCENT} % share.`,
    );
  }

  const poolWhy: Record<ServerPoolSizing['decidedBy'], string> = {
    budget: `the server's budget decides: ${BUDGET_SHARE_PERCENT} % of ${usable} usable slots${processes > 1 ? `, shared by ${processes} PgBouncer processes,` : ''} is ${budgetCap}, reserve included`,
    cpu: `the database's CPU decides: (cores × 2) + spindles = ${cpuBound ?? '?'}; more server connections would only queue on the cores`,
    traffic: `the fleet's traffic decides: ${trafficNeeded ?? '?'} server connections meet the wait target (Erlang C over the whole fleet's rate)`,
    clients: `the fleet decides: its pools open at most ${clients} client connections, so more server connections would stay idle`,
  };
  const bounds = [
    `budget ${budgetCap}`,
    ...(cpuBound === undefined ? [] : [`CPU ${cpuBound}`]),
    ...(trafficNeeded === undefined ? [] : [`traffic ${trafficNeeded}`]),
    `clients ${clients}`,
  ].join(', ');

  const settings: IniSetting[] = [
    {
      key: 'pool_mode',
      value: mode,
      why:
        mode === 'transaction'
          ? 'a server connection per transaction: many clients share few server connections; no session state (SET, LISTEN, session advisory locks, SQL PREPARE) survives a transaction'
          : 'a server connection per client for as long as it stays connected: session state is safe, but the pool saves no server connections',
    },
    {
      key: 'default_pool_size',
      value: pool,
      why: `server connections per (database, user) pool; ${poolWhy[decidedBy]} (bounds: ${bounds})`,
    },
    {
      key: 'reserve_pool_size',
      value: reserve,
      why:
        reserve === 0
          ? 'no reserve: there is no room for one, or every client already has a server connection'
          : 'extra server connections once a client has waited reserve_pool_timeout (5s by default), for bursts',
    },
    {
      key: 'max_db_connections',
      value: pool + reserve,
      why: `the hard cap on server connections for this database over all users: pools for other roles cannot push the server past ${pool + reserve}`,
    },
    {
      key: 'max_client_conn',
      value: clients + ADMIN_CLIENTS,
      why: `the application fleet's ${clients} connections (${appInstances} × ${appPool.maxConnections}) and ${ADMIN_CLIENTS} for the admin console, monitoring and people; admin connections count too`,
    },
  ];

  const idleSession = input.serverIdleSessionTimeoutMs;
  if (idleSession !== undefined && idleSession > 0) {
    // PgBouncer's idle servers must go before the server kills them, or a client gets a dead one.
    const below = Math.max(1, Math.floor((idleSession * 0.9) / SECOND));
    const value = Math.min(below, PGBOUNCER_SERVER_IDLE_TIMEOUT_S);
    settings.push({
      key: 'server_idle_timeout',
      value,
      why: `below the server's idle_session_timeout (${formatDuration(idleSession)}), so PgBouncer closes an idle server connection before the server ends it under a client`,
    });
    if (below < 1 || idleSession < 2 * SECOND) {
      warnings.push(
        `The server's idle_session_timeout of ${formatDuration(idleSession)} is too short for any pool; turn it off for the pooler's role.`,
      );
    }
  } else {
    settings.push({
      key: 'server_idle_timeout',
      value: PGBOUNCER_SERVER_IDLE_TIMEOUT_S,
      why:
        idleSession === 0
          ? "PgBouncer's default; the server's idle_session_timeout is off, so nothing closes idle server connections sooner"
          : "PgBouncer's default; keep it below the server's idle_session_timeout if one is set",
    });
  }
  settings.push({
    key: 'server_lifetime',
    value: PGBOUNCER_SERVER_LIFETIME_S,
    why: "PgBouncer's default: closes unused server connections older than this, so the server's memory per backend is renewed; it never ends a connection in use",
  });

  const statementTimeout =
    appPool.queryTimeoutMs ??
    (input.serverStatementTimeoutMs !== undefined && input.serverStatementTimeoutMs > 0
      ? input.serverStatementTimeoutMs
      : null);
  if (statementTimeout === null) {
    settings.push({
      key: 'query_timeout',
      value: 0,
      why: 'off, as statement_timeout is: nothing bounds a query on the server either',
    });
  } else {
    const above = seconds(statementTimeout) + Math.max(5, Math.ceil(seconds(statementTimeout) / 10));
    settings.push({
      key: 'query_timeout',
      value: above,
      why: `a little above statement_timeout (${formatDuration(statementTimeout)}${appPool.queryTimeoutMs === null ? ', the server’s' : ', set for the role'}): the server cancels first and says why; PgBouncer only ends a query the server let run`,
    });
  }
  const acquire = appPool.acquireTimeoutMs;
  const wait = Math.max(1, Math.floor(acquire / SECOND));
  settings.push({
    key: 'query_wait_timeout',
    value: wait,
    why: `not above the application's acquire timeout (${formatDuration(acquire)}): a request waits for a server connection no longer than it would wait for its own pool; PgBouncer's default of 120s would hold it far longer`,
  });
  if (acquire < SECOND) {
    warnings.push(
      `pgbouncer.ini takes whole seconds: query_wait_timeout is 1s, above the application's ${formatDuration(acquire)} acquire timeout.`,
    );
  }
  return { defaultPoolSize: pool, reservePoolSize: reserve, decidedBy, settings, warnings, processes };
}
