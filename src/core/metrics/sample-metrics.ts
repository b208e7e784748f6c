/**
 * What one monitor sample says as Prometheus series: the values `monitor --listen` sets and the amounts it adds
 * to its counters. Pure: the exporter (pipeline/metrics-registry.ts) applies them to prom-client's registry.
 * Units are Prometheus's own: seconds, and ratios from 0 to 1 rather than percentages.
 */
import type { MonitorSample } from '../monitor/sample.js';
import type { SessionRoster } from '../sessions/roster.js';
import { POOLTUNE_METRICS as M, STATE_LABEL, type PooltuneMetric } from './names.js';

/** pooltune_client_connections' `state` values: pg_stat_activity's own words, plus the two pooltune adds. */
export const CONNECTION_STATES = ['active', 'idle', 'idle in transaction', 'other', 'unknown'] as const;
/** pooltune_sessions_ended_abnormally_total's `reason`: pg_stat_database's three counters. */
export const ABNORMAL_REASONS = ['abandoned', 'fatal', 'killed'] as const;

export const REASON_LABEL = 'reason';
export const OUTCOME_LABEL = 'outcome';

export interface MetricSpec {
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  /** Labels besides the target's. */
  readonly labels: readonly string[];
}

/** Each series' type, help text and labels, as /metrics declares them. */
export const METRIC_SPECS: Readonly<Record<PooltuneMetric, MetricSpec>> = {
  [M.up]: {
    type: 'gauge',
    help: '1 when the last sample of the target succeeded, 0 while it is down',
    labels: [],
  },
  [M.sampleDuration]: { type: 'gauge', help: 'How long the last sample took, in seconds', labels: [] },
  [M.clientConnections]: {
    type: 'gauge',
    help: 'Client connections by state, pooltune own session left out',
    labels: [STATE_LABEL],
  },
  [M.usableSlots]: {
    type: 'gauge',
    help: 'Connection slots ordinary roles may use: max_connections less the reserved ones',
    labels: [],
  },
  [M.slotUtilisation]: {
    type: 'gauge',
    help: 'Client connections divided by the usable slots (0 to 1)',
    labels: [],
  },
  [M.newSessions]: {
    type: 'counter',
    help: 'Sessions started by other clients (PostgreSQL 14+)',
    labels: [],
  },
  [M.sessionsEndedAbnormally]: {
    type: 'counter',
    help: 'Sessions abandoned, ended by a fatal error or killed (PostgreSQL 14+)',
    labels: [REASON_LABEL],
  },
  [M.idleInTransactionMaxAge]: {
    type: 'gauge',
    help: 'Seconds the oldest idle-in-transaction session has been so (0 when none)',
    labels: [],
  },
  [M.longestQuery]: {
    type: 'gauge',
    help: 'Seconds the longest active query has run (0 when none)',
    labels: [],
  },
  [M.longestTransaction]: {
    type: 'gauge',
    help: 'Seconds the oldest open transaction has been open (0 when none)',
    labels: [],
  },
  [M.lockWaits]: { type: 'gauge', help: 'Sessions waiting on a lock', labels: [] },
  [M.longestLockWait]: {
    type: 'gauge',
    help: 'Seconds the longest current lock wait has lasted (0 when none or unknown before PostgreSQL 14)',
    labels: [],
  },
  [M.transactions]: {
    type: 'counter',
    help: 'Transactions of other clients, committed and rolled back',
    labels: [OUTCOME_LABEL],
  },
  [M.poolerClientsWaiting]: {
    type: 'gauge',
    help: "Clients queued in the pooler for a server connection (when the pooler's console is read)",
    labels: [],
  },
  [M.poolerMaxWait]: {
    type: 'gauge',
    help: "Seconds the pooler's longest waiting client has waited (when the pooler's console is read)",
    labels: [],
  },
  [M.poolerClientWait]: {
    type: 'counter',
    help: 'Seconds clients spent waiting for a server connection in the pooler',
    labels: [],
  },
  [M.poolerCheckouts]: {
    type: 'counter',
    help: 'Server connections the pooler handed to clients (assignments, else transactions)',
    labels: [],
  },
};

/** One series' value: set (a gauge) or added (a counter), with its labels besides the target's. */
export interface MetricValue {
  readonly metric: PooltuneMetric;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The series that say what the target is like now: dropped while it is down, so that no stale value alerts. */
export const STATE_GAUGES: readonly PooltuneMetric[] = (Object.keys(METRIC_SPECS) as PooltuneMetric[]).filter(
  (m) => METRIC_SPECS[m].type === 'gauge' && m !== M.up && m !== M.sampleDuration,
);

const maxOf = (values: readonly (number | null)[]) =>
  values.reduce<number>((max, v) => (v !== null && v > max ? v : max), 0);

/** The sample as gauge values (`set`) and counter increments (`add`). */
export function sampleMetrics(
  sample: MonitorSample,
  roster: SessionRoster | undefined,
): { readonly set: MetricValue[]; readonly add: MetricValue[] } {
  const set: MetricValue[] = [];
  const add: MetricValue[] = [];
  const gauge = (metric: PooltuneMetric, value: number, labels: Record<string, string> = {}) =>
    set.push({ metric, labels, value });
  const counter = (metric: PooltuneMetric, value: number, labels: Record<string, string> = {}) =>
    add.push({ metric, labels, value: Math.max(0, value) });

  const { byState } = sample;
  const counts: Record<(typeof CONNECTION_STATES)[number], number> = {
    active: byState.active,
    idle: byState.idle,
    'idle in transaction': byState.idleInTransaction,
    other: byState.other,
    unknown: byState.unknown,
  };
  for (const state of CONNECTION_STATES) gauge(M.clientConnections, counts[state], { [STATE_LABEL]: state });
  gauge(M.usableSlots, sample.usableSlots);
  // Unrounded, unlike the sample's whole percent: the rules compare it with 0.7 and 0.85.
  gauge(M.slotUtilisation, sample.usableSlots > 0 ? sample.clients / sample.usableSlots : 0);
  gauge(M.idleInTransactionMaxAge, sample.oldestIdleInTransactionSeconds ?? 0);
  gauge(M.longestQuery, sample.longestQuerySeconds ?? 0);
  gauge(M.lockWaits, sample.waitingOnLocks);
  // The roster lists every session in a transaction or waiting: the oldest transaction and the longest lock
  // wait are among them.
  const sessions = roster?.sessions ?? [];
  gauge(M.longestTransaction, maxOf(sessions.map((s) => s.transactionSeconds)));
  gauge(M.longestLockWait, maxOf(sessions.filter((s) => s.waitingOnLock).map((s) => s.lockWaitSeconds)));

  if (sample.churn) {
    counter(M.newSessions, sample.churn.newSessions);
    for (const reason of ABNORMAL_REASONS)
      counter(M.sessionsEndedAbnormally, sample.churn[reason], { [REASON_LABEL]: reason });
  }
  if (sample.transactions) {
    counter(M.transactions, sample.transactions.committed, { [OUTCOME_LABEL]: 'committed' });
    counter(M.transactions, sample.transactions.rolledBack, { [OUTCOME_LABEL]: 'rolled_back' });
  }
  if (sample.pooler?.status === 'read') {
    gauge(M.poolerClientsWaiting, sample.pooler.clientsWaiting);
    gauge(M.poolerMaxWait, sample.pooler.maxWaitMs / 1000);
    const window = sample.pooler.window;
    if (window) {
      counter(M.poolerClientWait, window.waitMs / 1000);
      counter(M.poolerCheckouts, window.assignments ?? window.transactions);
    }
  }
  return { set, add };
}
