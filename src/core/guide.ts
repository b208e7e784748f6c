/**
 * The PostgreSQL pool tuning guide as numbers: every threshold and default pooltune judges by or falls back
 * on, written once. Checks, sizing, probes and flags read them from here, and so do the texts that quote them.
 * Values marked "pooltune's" are not in the guide; they are our own judgement, kept here beside the guide's
 * so that there is one place to look.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const MB = 1024 ** 2;

// ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────────────

/** max_connections when the server does not say: PostgreSQL's own default ("default: 100"). */
export const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;
/**
 * The slots ordinary roles cannot use when the server does not say: PostgreSQL's own defaults,
 * superuser_reserved_connections 3 and (16+) reserved_connections 0, so that an offline budget matches a
 * default server's.
 */
export const POSTGRES_DEFAULT_RESERVED_CONNECTIONS = 3;
/** No PostgreSQL server runs more backends than this (max_connections' own limit), so no pool needs more. */
export const POSTGRES_MAX_CONNECTIONS_LIMIT = 262_143;

// ── The application pool: the guide's defaults ─────────────────────────────────────────────────────────

/**
 * The defaults the guide lists for EventCore's pool. A preset file may leave any key but `maxConnections`
 * out; it then gets these, which are also what EventCore 0.1's builder does when a setter is not called.
 */
export const GUIDE_DEFAULTS = {
  minConnections: 2,
  acquireTimeout: '10s',
  queryTimeout: '30s',
  idleTimeout: '600s',
  maxLifetime: '1800s',
  testBeforeAcquire: false,
  retries: { maxRetries: 3, baseDelay: '100ms', maxDelay: '5s' },
} as const;

/** The largest pool a preset or a flag may ask for (pooltune's). */
export const MAX_POOL_SIZE = 10_000;

// ── Sizing: max_connections = min(expected_concurrent_requests × 1.2, postgres_max_connections × 0.8) ──

/** A factor kept as a fraction, so that integer arithmetic stays exact: 33 × 1.2 is 39.6, not 39.599…. */
interface Ratio {
  readonly times: number;
  readonly per: number;
}

const HEADROOM: Ratio = { times: 6, per: 5 };
const SHARE: Ratio = { times: 4, per: 5 };

/** The guide's headroom over expected concurrency: `requests × 1.2`. */
export const HEADROOM_FACTOR = HEADROOM.times / HEADROOM.per;
/** The guide's share of the server's slots that pools may take: `postgres_max × 0.8`. */
export const BUDGET_SHARE = SHARE.times / SHARE.per;
export const BUDGET_SHARE_PERCENT = Math.round(BUDGET_SHARE * 100);

/** `ceil(concurrency × 1.2)`: the connections a pool needs for `concurrency` requests at once. */
export function withHeadroom(concurrency: number): number {
  return Math.ceil((concurrency * HEADROOM.times) / HEADROOM.per);
}

/** `floor(slots × 0.8 ÷ ways)`: the guide's share of `slots`, split `ways` ways (instances, or a demand). */
export function budgetShare(slots: number, ways = 1): number {
  return Math.floor((slots * SHARE.times) / (SHARE.per * ways));
}

/** `ceil(connections ÷ 0.8)`: the fewest slots whose share could hold `connections` (before rounding down). */
export function slotsForShare(connections: number): number {
  return Math.ceil((connections * SHARE.per) / SHARE.times);
}

// ── The server: connection tiers and reserved slots ─────────────────────────────────────────────────────

/** The guide's connection tiers for max_connections. */
export const CONNECTION_TIERS = [
  { name: 'development', from: 20, to: 50 },
  { name: 'small production', from: 50, to: 100 },
  { name: 'medium production', from: 100, to: 300 },
  { name: 'large production', from: 300, to: 1000 },
] as const;
/** Below this max_connections the server is under the guide's smallest tier. */
export const SMALLEST_TIER_FROM = CONNECTION_TIERS[0].from;
/** Above this the guide has no tier: a pooler must take the clients. */
export const LARGEST_TIER_TO = CONNECTION_TIERS[3].to;
/** Above this many server connections the guide's large tier starts, where it recommends PgBouncer. */
export const LARGE_TIER_CONNECTIONS = 300;

/** The guide's `superuser_reserved_connections = 3`: administrators can still log in to a full server. */
export const MIN_SUPERUSER_RESERVED = 3;

/**
 * Slots to leave free for everything that is not the application (migrations, consoles, a deploy's
 * overlap) and that pooltune's own probes never take (pooltune's): 2, or a tenth of the usable slots.
 */
export function spareSlots(usable: number): number {
  return Math.max(2, Math.ceil(usable / 10));
}

// ── The server: timeouts ────────────────────────────────────────────────────────────────────────────────

/** The guide's `idle_in_transaction_session_timeout = '5min'`. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5 * MINUTE;
/** Above this the timeout is "far above the guide's" (pooltune's). */
export const IDLE_IN_TRANSACTION_TIMEOUT_FAR_MS = 60 * MINUTE;
/** The guide's `statement_timeout = '30s'`. */
export const STATEMENT_TIMEOUT_MS = 30 * SECOND;
/** Above this the statement timeout is "far above the guide's" (pooltune's). */
export const STATEMENT_TIMEOUT_FAR_MS = 5 * MINUTE;
/** The guide's longest analytical query: its query_timeout range for analytical work ends at 300 seconds. */
export const LONGEST_ANALYTICAL_QUERY_MS = 5 * MINUTE;
/** Active queries running longer than this are reported (--long-query-threshold): the guide's longest analytical query. */
export const DEFAULT_LONG_QUERY_THRESHOLD_MS = LONGEST_ANALYTICAL_QUERY_MS;
/**
 * Transactions open longer than this are reported (--long-transaction-threshold). pooltune's: the guide
 * allows one analytical query of up to 5min, and a transaction may sit idle for up to its 5min
 * idle_in_transaction_session_timeout before the server ends it; a transaction older than both together is
 * one no workload in the guide explains, and by then it has held its locks and vacuum's horizon for long.
 */
export const DEFAULT_LONG_TRANSACTION_THRESHOLD_MS =
  LONGEST_ANALYTICAL_QUERY_MS + IDLE_IN_TRANSACTION_TIMEOUT_MS;
/** A long query or transaction this many times over its threshold is critical (pooltune's: 30min by default). */
export const LONG_SESSION_CRITICAL_FACTOR = 6;
/**
 * Lock waits by how long they have lasted (pooltune's). Below 10s, the top of the guide's OLTP query
 * timeouts, a wait is ordinary contention worth naming (info); beyond it an OLTP caller has already given up
 * (warning); beyond the guide's 30s statement_timeout every statement on the guide's settings would have
 * been cancelled, so something holds a lock far too long (critical).
 */
export const LOCK_WAIT_WARNING_MS = 10 * SECOND;
export const LOCK_WAIT_CRITICAL_MS = STATEMENT_TIMEOUT_MS;
/** Interactive workloads should not keep a caller waiting for a connection longer than this (the guide's long timeouts start here). */
export const INTERACTIVE_ACQUIRE_LIMIT_MS = 10 * SECOND;

// ── The server: memory ──────────────────────────────────────────────────────────────────────────────────

/** The guide's `work_mem = '4MB'`. */
export const WORK_MEM_BYTES = 4 * MB;
/** Above this work_mem, many connections can exhaust memory (pooltune's). */
export const WORK_MEM_HIGH_BYTES = 64 * MB;
/** The guide's `maintenance_work_mem = '64MB'`. */
export const MAINTENANCE_WORK_MEM_BYTES = 64 * MB;
/** The guide's rough memory per connection (~10MB). */
export const MEMORY_PER_CONNECTION_BYTES = 10 * MB;
/** What connections may claim of the server's memory: above 75 % a warning, above 100 % critical (pooltune's). */
export const CONNECTION_MEMORY_WARNING_PERCENT = 75;
export const CONNECTION_MEMORY_CRITICAL_PERCENT = 100;

// ── Utilisation: healthy < 70 %, warning 70–85 %, critical > 85 % ───────────────────────────────────────

export const UTILISATION_WARNING_PERCENT = 70;
export const UTILISATION_CRITICAL_PERCENT = 85;
/** The bands as reports state them. */
export const UTILISATION_BANDS = `${UTILISATION_WARNING_PERCENT}–${UTILISATION_CRITICAL_PERCENT} % warning, above ${UTILISATION_CRITICAL_PERCENT} % critical`;

/** Client connections against the usable slots, in whole percent; a server with no usable slot is full. */
export function utilisationPercent(clients: number, usableSlots: number): number {
  return usableSlots > 0 ? Math.round((clients / usableSlots) * 100) : 100;
}

/** The guide's utilisation thresholds: under 70 % healthy, 70–85 % warning, above 85 % critical. */
export function utilisationSeverity(percent: number): 'ok' | 'warning' | 'critical' {
  if (percent > UTILISATION_CRITICAL_PERCENT) return 'critical';
  if (percent >= UTILISATION_WARNING_PERCENT) return 'warning';
  return 'ok';
}

// ── Acquisition, timeouts and query latency ─────────────────────────────────────────────────────────────

/** The guide's connection wait: under 1ms excellent, 1–10ms good, above 10ms poor. */
export const ACQUISITION_EXCELLENT_MS = 1;
export const ACQUISITION_POOR_MS = 10;
/** The guide's timeout rate: under 0.1 % of requests. */
export const TIMEOUT_RATE_LIMIT = 0.001;
/** The guide's "database performance degraded": query latency above 100ms. */
export const QUERY_DEGRADED_MS = 100;

export function acquisitionRating(meanMs: number): 'excellent' | 'good' | 'poor' {
  if (meanMs < ACQUISITION_EXCELLENT_MS) return 'excellent';
  return meanMs <= ACQUISITION_POOR_MS ? 'good' : 'poor';
}

/** New sessions per second from others above which the server is likely serving connections without a pool (pooltune's). */
export const CHURN_PER_SECOND_LIMIT = 10;

// ── A pooler in the chain (pooltune's) ─────────────────────────────────────────────────────────────────

/** PgBouncer's own defaults for the timeouts a plan's pooler section may leave out. */
export const PGBOUNCER_SERVER_IDLE_TIMEOUT_MS = 10 * MINUTE;
export const PGBOUNCER_SERVER_LIFETIME_MS = 60 * MINUTE;

/**
 * How far above the server's statement_timeout PgBouncer's query_timeout should sit: the server cancels
 * the statement and the client gets an error it can handle, before PgBouncer drops the whole connection.
 */
export const POOLER_QUERY_TIMEOUT_MARGIN_MS = 5 * SECOND;

/**
 * A timeout that retires connections before `limitMs` closes them from the other side: half of it, in whole
 * seconds (PgBouncer's unit), at least one second. Half leaves room for PgBouncer's janitor, which closes
 * idle connections on its own tick, and for clocks that start at different moments.
 */
export function retireBefore(limitMs: number): number {
  return Math.max(SECOND, Math.floor(limitMs / 2 / SECOND) * SECOND);
}

// ── Traffic sizing and the CPU bound (pooltune's, from queueing theory and the PostgreSQL wiki) ─────────

/** The guide calls an acquire wait above 10 ms poor; p99 keeps that true for all but 1 request in 100. */
export const DEFAULT_TARGET_WAIT_MS = ACQUISITION_POOR_MS;
export const DEFAULT_TARGET_PERCENTILE = 99;
/**
 * Above this share of busy time the queueing waits are correct only for steady, random traffic: with large
 * pools the wait target is met at 90 %+ utilisation, where any burst above the mean rate queues at once. 80 %
 * is the usual ceiling (at 80 % an M/M/1 queue already waits 4 hold times on average).
 */
export const HIGH_UTILISATION = UTILISATION_CRITICAL_PERCENT / 100;
export const COMFORTABLE_UTILISATION = 0.8;
/** The PostgreSQL wiki's useful concurrency: (cores × 2) + effective spindles. */
export const CONNECTIONS_PER_CORE = 2;
/**
 * "Far" over that bound is over twice it. The wiki's number is a starting point to load-test around, and pools
 * are rarely all busy at once, so a fleet somewhat over it is normal; at twice it, a fleet at peak has every
 * core time-sliced between four or more queries, and each query's latency grows with the queue on the CPU.
 */
export const CPU_BOUND_FACTOR = 2;

// ── pooltune's own sessions, probes and runs ────────────────────────────────────────────────────────────

/** How long pooltune waits to connect, unless the URL, PGCONNECT_TIMEOUT or --connect-timeout says. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10 * SECOND;
/** statement_timeout of pooltune's own sessions. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10 * SECOND;
/** Sessions idle in a transaction longer than this are reported (health, monitor): the guide's timeout. */
export const DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS = IDLE_IN_TRANSACTION_TIMEOUT_MS;

/** health's probe: a small pool driven for a short while, and round trips timed. */
export const HEALTH_PROBE = {
  connections: 4,
  durationMs: 2 * SECOND,
  samples: 200,
  /** Fresh connections timed beyond the main session. */
  connectSamples: 4,
  /**
   * Callers per probe-pool connection (pooltune's choice, not the guide's): with more callers than
   * connections some must wait, so the acquisition verdict can fail when the query holds connections long.
   */
  callersPerConnection: 2,
  /** The probe pool's acquire timeout never exceeds this, whatever the connect timeout. */
  acquireTimeoutCapMs: 5 * SECOND,
  /** Uncounted round trips (and at least this long) before the latency samples, while V8 warms pg's query path. */
  warmupQueries: 100,
  warmupMs: 300,
  /** ...but never longer than this: a slow --query would otherwise spend minutes warming up. */
  warmupMaxMs: 2 * SECOND,
} as const;

/** preflight's health probe: shorter than health's, it runs before every deploy. */
export const PREFLIGHT_PROBE = { connections: 2, durationMs: SECOND, samples: 100 } as const;

export const MONITOR_INTERVAL = { defaultMs: 5 * SECOND, minMs: 100 } as const;

export const BENCH_RUN = {
  durationMs: 10 * SECOND,
  warmupMs: SECOND,
  /** The shortest statement_timeout bench's sessions get. */
  statementTimeoutFloorMs: 10 * SECOND,
} as const;

/** The load generator is a bottleneck itself when it sends late, skips requests or saturates its event loop. */
export const LOAD_GENERATOR_LIMITS = {
  lagP99Ms: 5,
  minSentShare: 0.95,
  busyEventLoop: 0.9,
} as const;

/** recommend --measure: a shorter window is too noisy to size from (counters flush about once a second). */
export const MEASURE_WINDOW = { minMs: 5 * SECOND, maxMs: 60 * MINUTE } as const;

/**
 * A hot standby's replay lag: past the default max_standby_streaming_delay (30s) reads are visibly stale;
 * past 5 minutes a failover to it would lose or wait for that much work. --replay-lag-warning and
 * --replay-lag-critical move them.
 */
export const STANDBY_REPLAY_LAG = { warningMs: 30 * SECOND, criticalMs: 5 * MINUTE } as const;
