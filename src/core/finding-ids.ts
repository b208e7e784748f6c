/**
 * Every finding id pooltune reports, with what it judges. Ids are stable: baselines, `ignore` rules in the
 * plan and CI annotations match on them, so an id is renamed only with a note in the changelog.
 */
import { STANDBY_REPLAY_LAG } from './guide.js';
import { formatDuration } from './units.js';

export interface FindingInfo {
  /** What the finding judges, in one line. */
  readonly about: string;
}

export const FINDINGS = {
  // check-server: the server's settings and usage
  'connection-tier': { about: "max_connections in the guide's tiers (PgBouncer above 300)" },
  'superuser-reserved-connections': { about: 'slots kept for administrators on a full server' },
  'reserved-connections': { about: 'slots kept for roles with pg_use_reserved_connections (16+)' },
  'usable-slots': { about: 'slots left for ordinary roles after the reserved ones' },
  'slot-usage': { about: 'client connections now against the usable slots' },
  'fleet-plan': { about: 'a planned fleet (--pool-max × --instances) against the usable slots' },
  'fleet-plan-free-now': { about: 'a planned fleet against the slots free now' },
  'role-connection-limit': { about: "the role's CONNECTION LIMIT against the planned fleet" },
  'database-connection-limit': { about: "the database's CONNECTION LIMIT against the planned fleet" },
  'idle-in-transaction-timeout': { about: "idle_in_transaction_session_timeout against the guide's 5min" },
  'idle-in-transaction-timeout-disabled': { about: 'idle_in_transaction_session_timeout is off' },
  'idle-in-transaction-timeout-long': { about: "idle_in_transaction_session_timeout far above the guide's" },
  'statement-timeout': { about: "statement_timeout against the guide's 30s" },
  'statement-timeout-batch': { about: 'a statement_timeout that cancels a batch workload' },
  'statement-timeout-disabled': { about: 'statement_timeout is off for a workload that wants one' },
  'statement-timeout-long': { about: "statement_timeout far above the guide's" },
  'idle-session-timeout': { about: 'idle_session_timeout (14+) is off' },
  'idle-session-timeout-set': { about: 'idle_session_timeout closes pooled connections' },
  'work-mem': { about: "work_mem against the guide's 4MB" },
  'work-mem-low': { about: "work_mem below the guide's" },
  'work-mem-high': { about: 'work_mem high enough for many connections to exhaust memory' },
  'maintenance-work-mem': { about: "maintenance_work_mem against the guide's 64MB" },
  'maintenance-work-mem-low': { about: "maintenance_work_mem below the guide's" },
  'connection-memory': { about: "what max_connections × (10MB + work_mem) may claim of the server's memory" },
  'session-states': { about: "other sessions' states: needs pg_monitor or pg_read_all_stats" },
  'connections-by-application': { about: 'client connections by application and state' },
  'idle-in-transaction-sessions': {
    about: 'sessions idle in a transaction longer than --idle-in-transaction-threshold (5min), now, named',
  },
  'pending-restart': { about: 'settings changed but waiting for a restart' },

  // health and monitor: what probes and samples measured
  connectivity: { about: 'the time a fresh connection takes' },
  'server-utilisation': { about: 'client connections against the usable slots (health; monitor: the peak)' },
  'idle-in-transaction': { about: 'sessions idle in a transaction longer than the threshold' },
  'lock-waits': { about: 'sessions waiting on a lock, judged by how long the wait has lasted' },
  'long-running-queries': {
    about: 'queries running longer than --long-query-threshold (5min); critical at 6×',
  },
  'long-transactions': { about: 'transactions open longer than --long-transaction-threshold' },
  'probe-pool-shrunk': { about: "the probe pool made smaller to leave the server's last free slots" },
  'acquisition-wait': { about: 'the wait for a pooled connection: under 1ms excellent, above 10ms poor' },
  'acquisition-timeouts': { about: 'acquisitions that timed out: above 0.1 % of requests is critical' },
  'pool-exhausted': { about: 'the probe pool had no idle connection and no room while callers waited' },
  'acquisition-errors': { about: 'probe requests that failed' },
  'query-latency': { about: 'round-trip latency of the probe query: above 100ms degraded' },
  'connection-churn': { about: 'new sessions per second from others: above 10 they are not reused' },
  'sessions-ended-abnormally': { about: 'sessions abandoned, ended by a fatal error, or killed' },

  // bench: one pool under load
  'pool-saturated': { about: 'open-loop load that keeps more connections busy than the pool has' },
  'request-errors': { about: 'bench requests that failed' },
  'load-generator-behind': { about: "pooltune's own load generator could not keep the schedule" },

  // several targets in one run
  'target-unreachable': {
    about: 'a target of a run with several that pooltune could not reach or log in to',
  },
  'target-role': { about: 'a target that is not what the plan says it is (primary, standby, pooler)' },

  // the plan (pooltune.config.json) against the server
  'plan-fleet': { about: "the plan's connections at peak against the free slots and the guide's 80 %" },
  'plan-last-free-slots': { about: 'the plan leaves fewer free slots than a safe margin' },
  'plan-surge': { about: "the plan's fleet during a rolling deploy, with its surge of instances" },
  'pool-min-above-max': { about: 'a service pool whose minConnections exceeds maxConnections' },
  'pool-too-small': { about: 'a service pool smaller than its concurrency' },
  'pool-too-large': { about: 'a service pool larger than its concurrency or its share needs' },
  'pool-acquire-timeout-long': { about: 'an interactive service that waits over 10s for a connection' },
  'pool-acquire-exceeds-query-timeout': { about: 'an acquire timeout longer than the query timeout' },
  'pool-idle-beyond-limit': {
    about:
      "a pool's idle connections (idleTimeout, or maxLifetime when shorter) not retired before the pooler's client_idle_timeout, or without a pooler the server's idle_session_timeout",
  },

  // the pooler in the chain (PgBouncer's admin console, the server behind it, the plan's fleet in front)
  'pooler-server-connections': {
    about:
      "the server connections PgBouncer may open (processes × Σ pool + reserve, capped) against the server's slots",
  },
  'pooler-client-limit': {
    about:
      "the fleet's pools against the pooler's max_client_conn over its processes (the pooler's console and a plan, or recommend --behind-pooler)",
  },
  'pooler-session-pool': { about: "in session mode, the fleet's sessions against PgBouncer's server pools" },
  'pooler-clients-waiting': {
    about: 'clients queued in PgBouncer for a server connection (cl_waiting, maxwait, avg_wait_time)',
  },
  'pooler-queue-peak': {
    about: "the most clients queued in PgBouncer at one of monitor's readings, and the longest wait seen",
  },
  'pooler-server-idle-timeout': {
    about: "PgBouncer's server_idle_timeout / server_lifetime against the server's idle_session_timeout",
  },
  'pooler-client-idle-timeout': {
    about: "an app pool's idle connections against PgBouncer's client_idle_timeout",
  },
  'pooler-query-wait-timeout': { about: "an app's query timeout against PgBouncer's query_wait_timeout" },
  'pooler-query-timeout': { about: "PgBouncer's query_timeout against the server's statement_timeout" },
  'pooler-transaction-mode': {
    about: 'what breaks in transaction-mode pools: session state, startup settings, prepared statements',
  },
  'pooler-server-churn': {
    about: 'new server sessions behind a pooler: PgBouncer opening server connections',
  },

  // check-server and health: hot standbys and the standbys of a primary
  'standby-replay-paused': {
    about: "a standby whose WAL replay is paused: its reads go stale, it won't promote",
  },
  'standby-replay-lag': {
    about: `how far a standby's replay is behind (--replay-lag-warning ${formatDuration(STANDBY_REPLAY_LAG.warningMs)}, --replay-lag-critical ${formatDuration(STANDBY_REPLAY_LAG.criticalMs)})`,
  },
  'standby-wal-receiver': { about: 'whether a standby receives WAL from its primary (pg_monitor sees it)' },
  'standby-feedback': {
    about: 'hot_standby_feedback: standby queries cancelled against bloat on the primary',
  },
  'standby-streaming-delay': {
    about: "max_standby_streaming_delay against the workload's query timeout and statement_timeout",
  },
  'standbys-attached': {
    about: 'the standbys streaming from a server (pg_stat_replication), with their lag',
  },
  'standby-below-primary': {
    about: "a standby's max_connections (or a kin setting) below its primary's: replay pauses",
  },

  // recommend: sizing
  'budget-shortfall': { about: 'the server budget carries fewer connections than the demand with headroom' },
  'preset-exceeds-budget': { about: "a preset's pool that does not fit the server budget" },
  'budget-exhausted': { about: 'no connection per instance fits the server budget' },
  'fleet-fits-budget': { about: 'the fleet at peak against the usable slots' },
  'large-tier': { about: "a fleet in the guide's large tier, where a pooler pays off" },
  'traffic-wait-target': { about: 'the pool size that meets the wait target for the traffic' },
  'traffic-high-utilisation': { about: 'connections so busy that a burst queues at once' },
  'cpu-bound': { about: "the fleet's connections against the database's cores" },
  'cpu-saturated': {
    about: "traffic that keeps more connections busy than the database's cores serve well",
  },
  'traffic-cpu-capped': {
    about:
      "a traffic-sized pool stopped near the database's CPU bound (an inflated measurement, or too many at once)",
  },
  'slots-held-now': {
    about: 'recommend --db without --account-for-others: the slots other clients hold now, against the fleet',
  },

  // health --schema
  'schema-objects': { about: 'tables, columns, indexes, triggers and functions the application expects' },
  'schema-object-differences': { about: 'a type, nullability or index definition that differs' },
  'schema-migrations': { about: "the application's migrations applied, per _sqlx_migrations" },
  'schema-migration-failed': { about: 'a migration that failed and was left half done' },
  'schema-migrations-unknown': { about: 'migrations the known releases do not have' },
} as const satisfies Record<string, FindingInfo>;

/** A finding's stable id; also the id of a skipped check (the finding it would have produced). */
export type FindingId = keyof typeof FINDINGS;

export const FINDING_IDS = Object.keys(FINDINGS) as readonly FindingId[];

export function isFindingId(id: string): id is FindingId {
  return Object.hasOwn(FINDINGS, id);
}
