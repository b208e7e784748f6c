import {
  GUIDE_DEFAULTS,
  IDLE_IN_TRANSACTION_TIMEOUT_MS,
  MEMORY_PER_CONNECTION_BYTES,
  STATEMENT_TIMEOUT_MS,
} from './guide.js';
import { formatDuration } from './units.js';

/**
 * What goes wrong, as a hint sees it. Every finding id has one cause (core/finding-hints.ts) and every hint
 * says which causes it addresses, so that a unit test can refuse a hint that treats another problem.
 */
export const CAUSES = [
  /** The server's connection slots against the connections that want them: too few, too many, or full. */
  'server-connections',
  /** More connections at work than the server's cores (or memory) serve well. */
  'server-capacity',
  /** Callers wait for a pooled connection: the pool is too small or its connections are held too long. */
  'pool-wait',
  /** Connections opened and closed instead of reused. */
  'connection-churn',
  /** Connections or requests that fail: network, server restarts, connections closed under the pool. */
  'connection-failures',
  /** Sessions waiting on a lock another transaction holds. */
  'lock-waits',
  /** Sessions that opened a transaction and then went quiet. */
  'idle-in-transaction',
  /** Single statements that run for a long time. */
  'long-queries',
  /** Transactions that stay open for a long time. */
  'long-transactions',
  /** Slow round trips of a short query. */
  'query-latency',
  /** Where and how statement_timeout is set. */
  'statement-timeout',
  /** The schema against the application's migrations. */
  'schema',
  /** State an app leaves on, or expects from, a session that a pooler shares between clients. */
  'session-state',
  /** pooltune's own load generator. */
  'load-generator',
  /** A standby's replay behind its primary: stale reads, a longer failover. */
  'replay-lag',
  /** Nothing a hint adds: a check that passed, a fact worth showing, or a finding whose own fix says it all. */
  'none',
] as const;
export type Cause = (typeof CAUSES)[number];

/** The troubleshooting catalogue: what to try, in our words, with the causes each entry treats. */
export interface Hint {
  readonly title: string;
  readonly steps: readonly string[];
  /** The causes this hint treats; a finding may carry it only when its cause is one of them. */
  readonly addresses: readonly Cause[];
  /** Advice to put a pooler in front: left out of a report when one is already in the chain. */
  readonly addsAPooler?: true;
}

const IDLE_IN_TRANSACTION = formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS);
const STATEMENT = formatDuration(STATEMENT_TIMEOUT_MS);

export const HINTS = {
  'raise-max-connections': {
    title: 'Give the server more connection slots',
    steps: [
      "Raise max_connections as the fix shows (ALTER SYSTEM, or the managed provider's parameter), then restart PostgreSQL: the setting only changes at start-up.",
      `Budget about ${MEMORY_PER_CONNECTION_BYTES / 1024 ** 2} MB of server memory per extra connection, plus work_mem for each sort or hash it runs.`,
    ],
    addresses: ['server-connections'],
  },
  'fewer-instances': {
    title: 'Run fewer application instances against this server',
    steps: [
      'Every instance opens its own pool, so the server sees instances × pool size connections at peak.',
      'Where several instances share the server, fewer and larger ones need fewer connections in total for the same traffic.',
    ],
    addresses: ['server-connections', 'server-capacity'],
  },
  'more-capacity': {
    title: 'Give the work fewer CPU-seconds, or the database more cores',
    steps: [
      'Look at the statements that take the most time (pg_stat_statements, ordered by total_exec_time) and make them cheaper: an index, fewer rows, no work the application does not need.',
      'Move read-only traffic to a replica, or cache what is read often and changes rarely.',
      'Add cores to the database server: more connections or instances do not add CPU, they queue on the same cores.',
    ],
    addresses: ['server-capacity'],
  },
  pgbouncer: {
    title: 'Put a pooler such as PgBouncer in front of the server',
    steps: [
      'In transaction mode a few dozen server connections can serve thousands of application connections, and the server connections stay open however often clients come and go.',
      'Session-level features (advisory locks held across transactions, LISTEN, prepared statements on old drivers) need session mode or a direct connection.',
    ],
    addresses: ['server-connections', 'server-capacity', 'connection-churn'],
    addsAPooler: true,
  },
  'too-many-connections': {
    title: 'The server refuses connections ("too many connections")',
    steps: [
      "Shrink the application pools' max_connections so their sum fits the server.",
      'Look for leaks: code paths that take a connection and never give it back.',
      "Where a pooler holds the server connections, size its pools (PgBouncer's default_pool_size, max_db_connections) so that their sum over every pooler process fits the usable slots.",
      'Give the database more resources, or move reads to replicas.',
    ],
    addresses: ['server-connections'],
  },
  'slow-acquisition': {
    title: 'Requests wait a long time for a pooled connection',
    steps: [
      'Keep more connections warm by raising min_connections.',
      'Lower idle_timeout so that connections idling in one place are released for others sooner.',
      'If the pool is nearly always busy, raise its max_connections (within the server budget).',
      'Find long-running queries or transactions that hold connections.',
    ],
    addresses: ['pool-wait'],
  },
  'reuse-connections': {
    title: 'Reuse connections instead of opening one per request',
    steps: [
      'Create one pool per process when it starts and keep it for the life of the process; a connection opened per request pays the TCP and TLS handshake, authentication and a new server process every time.',
      'Keep min_connections above zero so that warm connections wait between bursts instead of being closed and opened again.',
      `Do not set idle_timeout or max_lifetime so short that the pool keeps replacing its connections (the guide's defaults are ${GUIDE_DEFAULTS.idleTimeout} and ${GUIDE_DEFAULTS.maxLifetime}).`,
      'Short-lived processes that cannot keep a pool (serverless functions, cron jobs, scripts) should connect through a pooler.',
    ],
    addresses: ['connection-churn'],
  },
  'intermittent-failures': {
    title: 'Connections fail now and then',
    steps: [
      'Turn on test_before_acquire so that a connection already closed by the server or the network is caught before use; it costs a round trip each time.',
      'Keep the pool’s idle_timeout (or max_lifetime, when shorter) below whatever closes idle connections under it (idle_session_timeout, a pooler’s client_idle_timeout, a firewall or load balancer that drops idle connections), so that the pool retires them first.',
      'Check the network path between the application and the database.',
      "Read PostgreSQL's log for the connection errors it records.",
    ],
    addresses: ['connection-failures'],
  },
  'lock-waits': {
    title: 'Sessions wait for locks another transaction holds',
    steps: [
      'Find the blocker: pg_blocking_pids(pid) of a waiting session names the sessions holding the lock, and pg_stat_activity shows what their transaction is doing. If it is stuck, end it: pg_cancel_backend(pid) stops its query, pg_terminate_backend(pid) ends the session.',
      'Keep transactions short and touch rows and tables in the same order everywhere; run schema changes (ALTER TABLE, CREATE INDEX without CONCURRENTLY) when traffic is low.',
      "Set lock_timeout for the application's role (ALTER ROLE … SET lock_timeout), and before a migration, so that a statement gives up instead of holding its connection, and everyone queued behind it, for as long as the lock lasts.",
    ],
    addresses: ['lock-waits'],
  },
  'standby-replay-lag': {
    title: "Find what holds a standby's replay back",
    steps: [
      'Check that replay is running: pg_get_wal_replay_pause_state() on the standby (pg_is_wal_replay_paused() before 14); SELECT pg_wal_replay_resume(); resumes it, as a superuser or a role granted EXECUTE on it.',
      "Queries on the standby that conflict with replay hold it back for up to max_standby_streaming_delay (-1: for as long as they run): see pg_stat_database_conflicts, give the standby's roles a statement_timeout (set on the primary with ALTER ROLE … SET, it reaches the standby), and keep the delay to what a stale read may cost.",
      "If nothing waits on conflicts, the standby's disk or CPU cannot keep up with the primary's WAL: compare pg_stat_wal_receiver's received position with the replayed one, and give the standby the primary's resources.",
      'Send reads that must see the latest writes to the primary while a standby lags.',
    ],
    addresses: ['replay-lag'],
  },
  'idle-in-transaction': {
    title: 'Sessions sit inside an open transaction doing nothing',
    steps: [
      'Commit or roll back as soon as the database work is done: no calls to other services, file uploads or waiting for a user between BEGIN and COMMIT.',
      "Make sure every code path ends its transaction, errors included (a finally block, or the driver's transaction helper).",
      `Set idle_in_transaction_session_timeout (the guide's ${IDLE_IN_TRANSACTION}), so that the server ends such sessions and releases their locks and connections; ALTER ROLE … SET scopes it to the application's role.`,
    ],
    addresses: ['idle-in-transaction'],
  },
  'long-queries': {
    title: 'Queries run far longer than they should',
    steps: [
      'EXPLAIN (ANALYZE, BUFFERS) the query: a missing index or stale statistics (ANALYZE the table) is the usual cause.',
      `Bound them with statement_timeout for the application's role (ALTER ROLE … SET statement_timeout = '${STATEMENT}'), so that a runaway query is cancelled while migrations and reports keep their own limits.`,
      "Run reports and analytics on a read replica, or from a separate pool with its own longer timeout, so that they do not hold the application's connections.",
      'A query that should not be running any more can be stopped with pg_cancel_backend(pid).',
    ],
    addresses: ['long-queries'],
  },
  'long-transactions': {
    title: 'Transactions stay open for a long time',
    steps: [
      'An open transaction holds its locks until it ends, and keeps VACUUM from removing rows that changed since it began: tables and indexes bloat and queries slow down for everyone.',
      'Split large batches into smaller transactions that commit as they go.',
      'Find where it stays open: xact_start in pg_stat_activity; one waiting on the client shows as idle in transaction.',
      'End one that is stuck with pg_terminate_backend(pid); its work is rolled back.',
    ],
    addresses: ['long-transactions'],
  },
  'slow-queries': {
    title: 'Short queries take long round trips',
    steps: [
      'Compare with SELECT 1: if that is slow too, the time goes on the network or a busy server (CPU, I/O), not on the query.',
      'EXPLAIN (ANALYZE, BUFFERS) the query for a missing index or stale statistics.',
      'Look for lock waits and long transactions in the same report: a query that waits is slow too.',
    ],
    addresses: ['query-latency'],
  },
  'statement-timeout-scope': {
    title: 'Set statement_timeout for the roles that need it',
    steps: [
      "Set it for the application's role (ALTER ROLE … SET statement_timeout) or its database (ALTER DATABASE … SET) rather than server-wide: migrations, backups and administrators' sessions then keep their own limits.",
      'Give roles that run reports or batch jobs a longer value, or 0, of their own.',
      'One known long statement can lift it for its own transaction with SET LOCAL statement_timeout.',
      'The value applies to new sessions: pools pick it up as they replace their connections.',
    ],
    addresses: ['statement-timeout'],
  },
  'run-migrations': {
    title: "Bring the schema up to the application's migrations",
    steps: [
      "Run the application's migrations (sqlx migrate run, or the application's own migrate step) as the role it connects with, so that the objects land in the schema its search_path finds first.",
      'After a failed migration, repair what it left half done, delete its row from _sqlx_migrations, and run the migrations again.',
      'Tables found in another schema usually mean a different search_path: align the role’s search_path or the spec’s schema.',
    ],
    addresses: ['schema'],
  },
  'pooler-queue': {
    title: 'Clients queue in PgBouncer for a server connection',
    steps: [
      'SHOW POOLS on the admin console: cl_waiting counts the clients queued now and maxwait how long the oldest has waited; every server connection of the pool is then busy (sv_active).',
      'If the server has slots and cores to spare, raise the pool’s size (default_pool_size, or pool_size on the database entry), or reserve_pool_size for bursts.',
      'Otherwise shorten what holds server connections: slow queries, and transactions left open while the app does other work.',
      'In session mode each client holds a server connection for its whole session: transaction mode serves many more clients with the same servers when the app keeps no session state.',
    ],
    addresses: ['pool-wait'],
  },
  'chain-timeouts': {
    title: 'Line up the timeouts from the app through PgBouncer to the server',
    steps: [
      'Idle connections: the app pool’s idle timeout below PgBouncer’s client_idle_timeout, and PgBouncer’s server_idle_timeout below the server’s idle_session_timeout, so that each side retires a connection before the next one closes it.',
      'Waits and queries: the app’s query timeout below PgBouncer’s query_wait_timeout, and PgBouncer’s query_timeout a little above the server’s statement_timeout, so that the error comes from the side that can report it best.',
      'PgBouncer ends a wait or a query by closing the client connection; the app then sees a broken connection, not a timeout.',
    ],
    addresses: ['connection-failures'],
  },
  'transaction-pooling': {
    title: 'Keep sessions stateless behind a transaction-mode pooler',
    steps: [
      'Set per-role defaults on the server (ALTER ROLE … SET statement_timeout …) instead of in the connection string or with a session SET, which stays on the server connection for the next client.',
      'Set what one transaction needs with SET LOCAL inside it.',
      'Named prepared statements need PgBouncer 1.21 or later with max_prepared_statements above 0; otherwise turn the driver’s statement cache off (pgJDBC prepareThreshold=0).',
      'Use session mode, or a direct connection, for LISTEN, session advisory locks and SQL PREPARE.',
    ],
    addresses: ['session-state'],
  },
  'pooler-keeps-server-connections': {
    title: 'Let PgBouncer keep its server connections',
    steps: [
      'Behind a pooler, new server sessions are PgBouncer opening server connections: as its pools grow under load, and to replace those that server_idle_timeout or server_lifetime closed.',
      'A steady stream of them means its pools shrink and grow again: a longer server_idle_timeout (below the server’s idle_session_timeout) or a min_pool_size keeps a warm floor.',
      'server_lifetime 0 closes every server connection after one use: give it a value in minutes.',
      'Clients that connect to the server directly, bypassing the pooler, count here too.',
    ],
    addresses: ['connection-churn'],
  },
  'load-generator': {
    title: 'Give the load generator room',
    steps: [
      'Run pooltune bench on a machine (or in a container) that is not busy with other work, and not on the database server itself.',
      'Lower --rate, or split the load over several bench processes.',
      '--hold-ms work costs pooltune little; a heavy --query result set costs more to read.',
    ],
    addresses: ['load-generator'],
  },
} as const satisfies Record<string, Hint>;

export type HintId = keyof typeof HINTS;

export const HINT_IDS = Object.keys(HINTS) as readonly HintId[];

/** Whether a report shows the hint: advice to add a pooler is left out when one is in the chain. */
export function hintApplies(id: HintId, chain: { readonly pooler: boolean }): boolean {
  return !(chain.pooler && (HINTS[id] as Hint).addsAPooler === true);
}

export function hintFor(id: string): Hint | undefined {
  return (HINTS as Record<string, Hint>)[id];
}
