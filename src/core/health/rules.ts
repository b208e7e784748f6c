import {
  idleInTransactionTimeoutFix,
  idleInTransactionTimeoutNote,
  idleInTransactionTimeoutTooLong,
} from '../checks/fix.js';
import type { Finding, Skipped } from '../findings.js';
import { formatDuration, formatMeasuredMs } from '../units.js';
import type {
  AcquisitionMetrics,
  ChurnMetrics,
  HealthMetrics,
  QueryLatencyMetrics,
  UtilisationMetrics,
} from './metrics.js';

import {
  ACQUISITION_EXCELLENT_MS,
  ACQUISITION_POOR_MS,
  acquisitionRating,
  CHURN_PER_SECOND_LIMIT,
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  QUERY_DEGRADED_MS,
  TIMEOUT_RATE_LIMIT,
  UTILISATION_BANDS,
  UTILISATION_WARNING_PERCENT,
  utilisationSeverity,
} from '../guide.js';

export {
  ACQUISITION_EXCELLENT_MS,
  ACQUISITION_POOR_MS,
  acquisitionRating,
  CHURN_PER_SECOND_LIMIT,
  QUERY_DEGRADED_MS,
  TIMEOUT_RATE_LIMIT,
};

export interface HealthThresholds {
  /** Sessions idle in a transaction for longer than this are reported (the guide: 5min). */
  readonly idleInTransactionMs: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
};

const ms = formatMeasuredMs;
const seconds = (s: number) => formatDuration(Math.round(s) * 1000);

function utilisationFindings(u: UtilisationMetrics, thresholds: HealthThresholds): Finding[] {
  const findings: Finding[] = [];
  const severity = utilisationSeverity(u.utilisationPercent);
  findings.push({
    id: 'server-utilisation',
    severity,
    title: `${u.otherClients} of ${u.usableSlots} usable connection slots are in use (${u.utilisationPercent} %)${severity === 'ok' ? '' : severity === 'critical' ? ': the server is about to refuse connections' : ': little headroom left'}`,
    observed: `${u.otherClients} client connections besides pooltune's; max_connections ${u.maxConnections}, ${u.reservedSlots} reserved`,
    expected: `under ${UTILISATION_WARNING_PERCENT} % (${UTILISATION_BANDS})`,
    ...(severity === 'ok' ? {} : { hints: ['too-many-connections'] }),
  });
  const idleTx = u.longestIdleInTransactionSeconds;
  if (idleTx !== null && idleTx * 1000 > thresholds.idleInTransactionMs) {
    const timeout = u.idleInTransactionTimeoutMs;
    const settingNote = idleInTransactionTimeoutNote(timeout, 'it');
    findings.push({
      id: 'idle-in-transaction',
      severity: 'warning',
      title: `${u.idleInTransaction ?? 'A'} session${u.idleInTransaction === 1 ? ' is' : 's are'} idle inside a transaction, the oldest for ${seconds(idleTx)}: ${settingNote}`,
      observed: `${seconds(idleTx)} idle in transaction`,
      expected: `under ${formatDuration(thresholds.idleInTransactionMs)}`,
      ...(idleInTransactionTimeoutTooLong(timeout) ? { fix: idleInTransactionTimeoutFix() } : {}),
      hints: ['slow-acquisition'],
    });
  }
  if (u.waitingOnLocks !== null && u.waitingOnLocks > 0) {
    findings.push({
      id: 'lock-waits',
      severity: 'warning',
      title: `${u.waitingOnLocks} session${u.waitingOnLocks === 1 ? ' is' : 's are'} waiting on a lock, holding ${u.waitingOnLocks === 1 ? 'its' : 'their'} connection while they wait`,
      hints: ['slow-acquisition'],
    });
  }
  return findings;
}

function acquisitionFindings(a: AcquisitionMetrics): Finding[] {
  const findings: Finding[] = [];
  if (a.poolSize < a.requestedPoolSize) {
    findings.push({
      id: 'probe-pool-shrunk',
      severity: 'info',
      title:
        a.poolSize === 0
          ? `The pool probe did not run: the server has no free slot to spare beyond a safety margin`
          : `The pool probe used ${a.poolSize} connection${a.poolSize === 1 ? '' : 's'} instead of ${a.requestedPoolSize}, to leave the server's last free slots to the applications`,
    });
  }
  if (a.poolSize === 0 || a.acquisitions + a.timeouts + a.errors === 0) return findings;
  const rating = acquisitionRating(a.waits.meanMs);
  findings.push({
    id: 'acquisition-wait',
    severity: rating === 'poor' ? 'warning' : 'ok',
    title: `Acquiring a pooled connection took ${ms(a.waits.meanMs)} on average (p99 ${ms(a.waits.p99Ms)}): ${rating}`,
    observed: `mean ${ms(a.waits.meanMs)}, p50 ${ms(a.waits.p50Ms)}, p99 ${ms(a.waits.p99Ms)} over ${a.acquisitions} acquisitions`,
    expected: `under ${ACQUISITION_EXCELLENT_MS}ms excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor`,
    ...(rating === 'poor' ? { hints: ['slow-acquisition'] } : {}),
  });
  const attempts = a.acquisitions + a.timeouts;
  const rate = attempts > 0 ? a.timeouts / attempts : 0;
  if (a.timeouts > 0) {
    findings.push({
      id: 'acquisition-timeouts',
      severity: rate > TIMEOUT_RATE_LIMIT ? 'critical' : 'warning',
      title: `${a.timeouts} of ${attempts} acquisitions timed out (${Math.round(rate * 10000) / 100} %)`,
      observed: `${a.timeouts} timeouts`,
      expected: `under ${TIMEOUT_RATE_LIMIT * 100} % of requests`,
      hints: ['slow-acquisition', 'too-many-connections'],
    });
  }
  if (a.exhaustedSamples > 0 && a.timeouts > 0) {
    findings.push({
      id: 'pool-exhausted',
      severity: 'warning',
      title: 'The probe pool ran out: no idle connection and no room to open one while callers waited',
      hints: ['slow-acquisition'],
    });
  }
  if (a.errors > 0) {
    const codes = Object.entries(a.errorCodes)
      .map(([code, n]) => `${code} × ${n}`)
      .join(', ');
    findings.push({
      id: 'acquisition-errors',
      severity: 'warning',
      title: `${a.errors} probe request${a.errors === 1 ? '' : 's'} failed (${codes})`,
      hints: ['intermittent-failures'],
    });
  }
  return findings;
}

function latencyFindings(q: QueryLatencyMetrics): Finding[] {
  if (q.timedOut) {
    return [
      {
        id: 'query-latency',
        severity: 'critical',
        title: `The probe query ran into the statement timeout: ${q.query}`,
        hints: ['slow-acquisition'],
      },
    ];
  }
  const degraded = q.latency.p50Ms > QUERY_DEGRADED_MS;
  const slowTail = !degraded && q.latency.p99Ms > QUERY_DEGRADED_MS;
  return [
    {
      id: 'query-latency',
      severity: degraded ? 'warning' : slowTail ? 'info' : 'ok',
      title: degraded
        ? `Query latency is degraded: p50 ${ms(q.latency.p50Ms)} is above ${QUERY_DEGRADED_MS}ms`
        : `Query latency p50 ${ms(q.latency.p50Ms)}, p99 ${ms(q.latency.p99Ms)} over ${q.latency.count} round trips${slowTail ? `: the slowest 1 % take over ${QUERY_DEGRADED_MS}ms` : ''}`,
      observed: `p50 ${ms(q.latency.p50Ms)}, p95 ${ms(q.latency.p95Ms)}, p99 ${ms(q.latency.p99Ms)}, max ${ms(q.latency.maxMs)}`,
      expected: `under ${QUERY_DEGRADED_MS}ms`,
      ...(degraded ? { hints: ['slow-acquisition'] } : {}),
    },
  ];
}

function churnFindings(c: ChurnMetrics): Finding[] {
  const findings: Finding[] = [];
  if (c.newSessionsPerSecond > CHURN_PER_SECOND_LIMIT) {
    findings.push({
      id: 'connection-churn',
      severity: 'warning',
      title: `Other clients opened ${Math.round(c.newSessionsPerSecond)} new sessions per second: connections are not being reused`,
      observed: `${c.newSessions} new sessions in ${formatDuration(Math.round(c.windowMs))}`,
      expected: `fewer than ${CHURN_PER_SECOND_LIMIT} per second from pooled applications`,
      hints: ['intermittent-failures', 'pgbouncer'],
    });
  } else {
    findings.push({
      id: 'connection-churn',
      severity: 'ok',
      title: `Other clients opened ${c.newSessionsPerSecond} new sessions per second during the probe`,
    });
  }
  const abnormal = c.abandoned + c.fatal + c.killed;
  if (abnormal > 0) {
    findings.push({
      id: 'sessions-ended-abnormally',
      severity: 'info',
      title: `During the probe ${abnormal} session${abnormal === 1 ? '' : 's'} ended abnormally (${c.abandoned} abandoned, ${c.fatal} fatal, ${c.killed} killed)`,
      hints: ['intermittent-failures'],
    });
  }
  return findings;
}

/** Checks that need other roles' session states, skipped with the GRANT that enables them. */
export function sessionStatesSkipped(role: string, reason: string): Skipped {
  return { id: 'session-states', reason, enableWith: `GRANT pg_monitor TO "${role.replaceAll('"', '""')}";` };
}

/** Churn comes from pg_stat_database's session counters, which PostgreSQL 14 added. */
export const CHURN_NEEDS_14: Skipped = {
  id: 'connection-churn',
  reason: 'session counters in pg_stat_database need PostgreSQL 14 or newer',
};

/** The guide's health thresholds over what the probes measured. */
export function evaluateHealth(
  metrics: HealthMetrics,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): { findings: Finding[]; skipped: Skipped[] } {
  const findings: Finding[] = [
    {
      id: 'connectivity',
      severity: 'ok',
      title: `Connected: a fresh connection takes ${ms(metrics.connectivity.medianMs)} (median of ${metrics.connectivity.samples}, max ${ms(metrics.connectivity.maxMs)})`,
    },
    ...utilisationFindings(metrics.utilisation, thresholds),
    ...(metrics.acquisition ? acquisitionFindings(metrics.acquisition) : []),
    ...latencyFindings(metrics.queryLatency),
    ...(metrics.churn ? churnFindings(metrics.churn) : []),
  ];
  const skipped: Skipped[] = [
    ...(metrics.utilisation.canSeeOthers
      ? []
      : [
          sessionStatesSkipped(
            metrics.utilisation.role,
            "the role cannot see other sessions' state: idle-in-transaction sessions, lock waits and the longest sessions are not checked",
          ),
        ]),
    ...(metrics.churn ? [] : [CHURN_NEEDS_14]),
  ];
  return { findings, skipped };
}
