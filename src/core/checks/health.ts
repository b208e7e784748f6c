import type { Finding } from '../findings.js';
import {
  ACQUISITION_EXCELLENT_MS,
  ACQUISITION_POOR_MS,
  acquisitionRating,
  TIMEOUT_RATE_LIMIT,
  UTILISATION_BANDS,
  UTILISATION_WARNING_PERCENT,
  utilisationSeverity,
} from '../guide.js';
import type {
  AcquisitionMetrics,
  ChurnMetrics,
  HealthMetrics,
  QueryLatencyMetrics,
  UtilisationMetrics,
} from '../health/metrics.js';
import { formatDuration, formatMeasuredMs } from '../units.js';
import { abnormalEndFindings, churnFinding } from './churn.js';
import { queryLatencyFinding } from './query-latency.js';
import { defineFamily } from './registry.js';
import { CHURN_NEEDS_14 } from './skipped.js';
import { outcome } from './types.js';

const ms = formatMeasuredMs;

function connectivityFinding({ connectivity: c }: HealthMetrics): Finding {
  return {
    id: 'connectivity',
    severity: 'ok',
    title: `Connected: a fresh connection takes ${ms(c.medianMs)} (median of ${c.samples}, max ${ms(c.maxMs)})`,
  };
}

/** What the share of slots in use means for the next connection. */
function utilisationConsequence(u: UtilisationMetrics, severity: Finding['severity']): string {
  if (severity === 'ok') return '';
  // Every usable slot taken: the next ordinary connection is refused now, not soon.
  if (u.otherClients >= u.usableSlots) return ': the server refuses new connections from ordinary roles now';
  return severity === 'critical' ? ': the server is about to refuse connections' : ': little headroom left';
}

function utilisationFinding(u: UtilisationMetrics): Finding {
  const severity = utilisationSeverity(u.utilisationPercent);
  return {
    id: 'server-utilisation',
    severity,
    title: `${u.otherClients} of ${u.usableSlots} usable connection slots are in use (${u.utilisationPercent} %)${utilisationConsequence(u, severity)}`,
    observed: `${u.otherClients} client connections besides pooltune's; max_connections ${u.maxConnections}, ${u.reservedSlots} reserved`,
    expected: `under ${UTILISATION_WARNING_PERCENT} % (${UTILISATION_BANDS})`,
  };
}

function acquisitionFindings(a: AcquisitionMetrics): Finding[] {
  const findings: Finding[] = [];
  if (a.poolSize < a.requestedPoolSize) {
    findings.push({
      id: 'probe-pool-shrunk',
      severity: 'info',
      title:
        a.poolSize === 0
          ? `The pool probe did not run: ${a.boundBy === 'pooler' ? 'the pooler has no free client slot (max_client_conn)' : 'the server has no free slot'} to spare beyond a safety margin`
          : `The pool probe used ${a.poolSize} connection${a.poolSize === 1 ? '' : 's'} instead of ${a.requestedPoolSize}, to leave ${a.boundBy === 'pooler' ? "the pooler's last free client slots (max_client_conn)" : "the server's last free slots"} to the applications`,
    });
  }
  if (a.poolSize === 0 || a.acquisitions + a.timeouts + a.errors === 0) return findings;
  const rating = acquisitionRating(a.waits.meanMs);
  findings.push({
    id: 'acquisition-wait',
    severity: rating === 'poor' ? 'warning' : 'ok',
    title: `With ${a.callers} callers sharing a pool of ${a.poolSize}, getting a connection took ${ms(a.waits.meanMs)} on average (p99 ${ms(a.waits.p99Ms)}): ${rating}`,
    observed: `mean ${ms(a.waits.meanMs)}, p50 ${ms(a.waits.p50Ms)}, p99 ${ms(a.waits.p99Ms)} over ${a.acquisitions} acquisitions${a.coldStart ? `; opening the cold pool's ${a.coldStart.connects} connections took ${ms(a.coldStart.medianMs)} each (median, max ${ms(a.coldStart.maxMs)}), not counted` : ''}`,
    expected: `under ${ACQUISITION_EXCELLENT_MS}ms excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor`,
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
    });
  }
  if (a.exhaustedSamples > 0 && a.timeouts > 0) {
    findings.push({
      id: 'pool-exhausted',
      severity: 'warning',
      title: 'The probe pool ran out: no idle connection and no room to open one while callers waited',
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
      },
    ];
  }
  // No round trip was timed: the run was stopped before (the report says so).
  if (q.latency.count === 0) return [];
  return [queryLatencyFinding(q.latency, 'round trips')];
}

function churnFindings(c: ChurnMetrics, throughPooler: boolean): Finding[] {
  return [
    churnFinding(
      c.newSessionsPerSecond,
      {
        busy: `Other clients opened ${Math.round(c.newSessionsPerSecond)} new sessions per second: connections are not being reused`,
        observed: `${c.newSessions} new sessions in ${formatDuration(Math.round(c.windowMs))}`,
        calm: `Other clients opened ${c.newSessionsPerSecond} new sessions per second during the probe`,
      },
      throughPooler,
    ),
    ...abnormalEndFindings(
      c,
      (n, breakdown) => `During the probe ${n} session${n === 1 ? '' : 's'} ended abnormally (${breakdown})`,
    ),
  ];
}

/** health's family: the guide's thresholds over what the probes measured. */
export const healthChecks = defineFamily('health', [
  { id: 'connectivity', run: (m) => outcome([connectivityFinding(m)]) },
  // check-server's slot usage judges the same slots from the same facts, with the reserved ones spelled out.
  {
    id: 'server-utilisation',
    supersededBy: 'slot-usage',
    run: (m) => outcome([utilisationFinding(m.utilisation)]),
  },
  { id: 'acquisition-wait', run: (m) => outcome(m.acquisition ? acquisitionFindings(m.acquisition) : []) },
  { id: 'query-latency', run: (m) => outcome(latencyFindings(m.queryLatency)) },
  {
    id: 'connection-churn',
    run: (m) =>
      m.churn ? outcome(churnFindings(m.churn, m.throughPooler === true)) : outcome([], [CHURN_NEEDS_14]),
  },
]);
