import { SEVERITY_RANK, type FindingId, type Severity } from '../../core/findings.js';
import type { UtilisationMetrics } from '../../core/health/metrics.js';
import type { LatencySummary } from '../../core/health/percentiles.js';
import { formatDuration } from '../../core/units.js';
import { ms as millis, plural, reached, type Pair, type ReportDocument } from '../document.js';
import type { HealthReport } from '../health-report.js';
import { healthCharts } from '../charts/health.js';

const HEALTH_AREAS = [
  'connectivity',
  'utilisation',
  'sessions',
  'acquisition',
  'latency',
  'churn',
  'pooler',
  'schema',
] as const;
type HealthArea = (typeof HEALTH_AREAS)[number];

const AREA_BY_FINDING: Readonly<Partial<Record<FindingId, HealthArea>>> = {
  connectivity: 'connectivity',
  'server-utilisation': 'utilisation',
  // What sessions do is judged apart from how many there are: a lock wait does not make 2 % of slots a warning.
  'idle-in-transaction': 'sessions',
  'lock-waits': 'sessions',
  'long-running-queries': 'sessions',
  'long-transactions': 'sessions',
  'session-states': 'sessions',
  'probe-pool-shrunk': 'acquisition',
  'acquisition-wait': 'acquisition',
  'acquisition-timeouts': 'acquisition',
  'acquisition-errors': 'acquisition',
  'pool-exhausted': 'acquisition',
  'query-latency': 'latency',
  'connection-churn': 'churn',
  'pooler-server-churn': 'churn',
  'sessions-ended-abnormally': 'churn',
};

function areaOf(findingId: FindingId): HealthArea {
  return (
    AREA_BY_FINDING[findingId] ??
    (findingId.startsWith('schema') ? 'schema' : findingId.startsWith('pooler') ? 'pooler' : 'utilisation')
  );
}

/** The worst severity per area, or 'skipped' / absent when nothing ran there. */
function areaStatus(report: HealthReport): Map<HealthArea, Severity | 'skipped'> {
  const status = new Map<HealthArea, Severity | 'skipped'>();
  for (const f of report.findings) {
    const area = areaOf(f.id);
    const current = status.get(area);
    if (current === undefined || current === 'skipped' || SEVERITY_RANK[f.severity] > SEVERITY_RANK[current])
      status.set(area, f.severity);
  }
  for (const s of report.skipped) {
    const area = areaOf(s.id);
    if (!status.has(area)) status.set(area, 'skipped');
  }
  // Sessions that were looked at and found nothing to report are a row of their own, not a missing one.
  if (report.metrics.utilisation.canSeeOthers && !status.has('sessions')) status.set('sessions', 'ok');
  // A pooler in the chain always has its row: what its console said, or why it was not read.
  if (report.pooler && !status.has('pooler')) status.set('pooler', report.pooler.facts ? 'ok' : 'skipped');
  return status;
}

const ms = (v: number) => millis(v, 3);
const seconds = (s: number | null) => (s === null ? '' : ` (oldest ${formatDuration(Math.round(s) * 1000)})`);

function sessionsSummary(u: UtilisationMetrics): string {
  // pg_locks shows every role's lock waits; the states and ages of other roles' sessions stay hidden.
  if (!u.canSeeOthers)
    return `waiting on locks ${u.waitingOnLocks ?? 0} · other roles' states not visible to the role`;
  const longest =
    u.longestActiveSeconds === null
      ? ''
      : ` · longest query ${formatDuration(Math.round(u.longestActiveSeconds) * 1000)}`;
  return `idle in transaction ${u.idleInTransaction ?? 0}${seconds(u.longestIdleInTransactionSeconds)} · waiting on locks ${u.waitingOnLocks ?? 0}${longest}`;
}

function areaSummary(report: HealthReport, area: HealthArea): string {
  const { connectivity, utilisation, acquisition, queryLatency, churn } = report.metrics;
  switch (area) {
    case 'connectivity':
      return `fresh connection ${ms(connectivity.medianMs)}ms median of ${connectivity.samples}, max ${ms(connectivity.maxMs)}ms`;
    case 'utilisation': {
      const states = utilisation.canSeeOthers
        ? ` · active ${utilisation.active}, idle ${utilisation.idle}, idle in transaction ${utilisation.idleInTransaction}`
        : '';
      return `${utilisation.otherClients} of ${utilisation.usableSlots} usable slots in use (${utilisation.utilisationPercent} %)${states}`;
    }
    case 'sessions':
      return sessionsSummary(utilisation);
    case 'acquisition':
      if (!acquisition) return 'not measured: stopped before it ran';
      if (acquisition.poolSize === 0) return 'not probed: no free slot to spare';
      return `pool of ${acquisition.poolSize} shared by ${acquisition.callers} callers: mean ${ms(acquisition.waits.meanMs)}ms, p99 ${ms(acquisition.waits.p99Ms)}ms over ${acquisition.acquisitions} acquisitions, ${acquisition.timeouts} timeouts`;
    case 'latency': {
      if (!queryLatency.timedOut && queryLatency.latency.count === 0)
        return 'not measured: stopped before it ran';
      // Through a pooler each round trip may have queued there first: the time includes that wait.
      const via = report.metrics.throughPooler ? ", including any wait in the pooler's queue" : '';
      return queryLatency.timedOut
        ? `${queryLatency.query}: ran into the statement timeout`
        : `${queryLatency.query}: p50 ${ms(queryLatency.latency.p50Ms)}ms, p99 ${ms(queryLatency.latency.p99Ms)}ms over ${queryLatency.latency.count}${via}`;
    }
    case 'pooler': {
      const window = report.metrics.poolerWindow;
      if (!report.pooler?.facts) return `console not read: ${report.pooler?.unread ?? 'no pooler seen'}`;
      if (!window)
        return `PgBouncer ${report.pooler.facts.version}: its console did not answer after the probe`;
      const per = window.assignments === null ? 'transaction' : 'assignment';
      return `PgBouncer ${report.pooler.facts.version}: ${ms(window.waitPerCheckoutMs ?? 0)}ms queued per ${per} over ${window.transactions} transactions, ${window.clientsWaiting} waiting at the end`;
    }
    case 'churn':
      return churn
        ? `${churn.newSessionsPerSecond} new sessions/s from others over ${formatDuration(churn.windowMs)}`
        : 'not measured (PostgreSQL 14+)';
    case 'schema': {
      const summary =
        report.findings.find((f) => f.id === 'schema-migrations') ??
        report.findings.find((f) => f.id === 'schema-objects');
      return summary?.title ?? (report.schema ? `checked against ${report.schema}` : '');
    }
  }
}

function latencyRow(label: string, l: LatencySummary): string[] {
  return [label, ms(l.p50Ms), ms(l.p95Ms), ms(l.p99Ms), ms(l.maxMs), String(l.count)];
}

/** A status line per area, a latency table, then findings and hints. */
export function healthDocument(report: HealthReport): ReportDocument {
  const { probe, metrics } = report;
  const { connectivity, acquisition, queryLatency } = metrics;
  const status = areaStatus(report);
  const areas = HEALTH_AREAS.flatMap((area): Pair[] => {
    const s = status.get(area);
    return s === undefined ? [] : [{ label: area, status: s, value: areaSummary(report, area) }];
  });
  return {
    envelope: report,
    header: {
      title: 'Health',
      subject: report.target,
      facts: [
        ...reached(report),
        `probed in ${(probe.wallMs / 1000).toFixed(1)}s with at most ${plural(probe.peakConnections, 'connection')}${probe.stoppedBy ? ` (stopped by ${probe.stoppedBy === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'})` : ''}`,
      ],
    },
    sections: [
      { blocks: [{ kind: 'pairs', head: ['area', 'summary'], rows: areas }] },
      {
        blocks: [
          {
            kind: 'table',
            head: ['latency (ms)', 'p50', 'p95', 'p99', 'max', 'samples'],
            rows: [
              [
                'connect',
                ms(connectivity.medianMs),
                '',
                '',
                ms(connectivity.maxMs),
                String(connectivity.samples),
              ],
              ...(acquisition && acquisition.acquisitions > 0
                ? [latencyRow('acquisition wait', acquisition.waits)]
                : []),
              ...(queryLatency.latency.count > 0 ? [latencyRow('query', queryLatency.latency)] : []),
            ],
          },
          ...healthCharts(queryLatency).map((chart) => ({ kind: 'chart' as const, chart })),
        ],
      },
    ],
    json: { body: { probe, metrics, schema: report.schema } },
  };
}
