import type { FailOn, Finding, Severity, Skipped } from '../core/findings.js';
import type { HealthMetrics } from '../core/health/metrics.js';

/** What health measured, handed whole to each renderer. */
export interface HealthReport {
  readonly command: 'health';
  readonly target: string;
  readonly serverVersion: string;
  readonly metrics: HealthMetrics;
  readonly probe: {
    readonly wallMs: number;
    readonly durationMs: number;
    readonly samples: number;
    readonly query: string;
    readonly requestedConnections: number;
    /** The most connections pooltune held at once: its session plus the probe pool. */
    readonly peakConnections: number;
  };
  readonly schema: string | null;
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

export const HEALTH_AREAS = [
  'connectivity',
  'utilisation',
  'acquisition',
  'latency',
  'churn',
  'schema',
] as const;
export type HealthArea = (typeof HEALTH_AREAS)[number];

const AREA_BY_FINDING: Readonly<Record<string, HealthArea>> = {
  connectivity: 'connectivity',
  'server-utilisation': 'utilisation',
  'idle-in-transaction': 'utilisation',
  'lock-waits': 'utilisation',
  'probe-pool-shrunk': 'acquisition',
  'acquisition-wait': 'acquisition',
  'acquisition-timeouts': 'acquisition',
  'acquisition-errors': 'acquisition',
  'pool-exhausted': 'acquisition',
  'query-latency': 'latency',
  'connection-churn': 'churn',
  'sessions-ended-abnormally': 'churn',
};

export function areaOf(findingId: string): HealthArea {
  return AREA_BY_FINDING[findingId] ?? (findingId.startsWith('schema') ? 'schema' : 'utilisation');
}

const RANK: Readonly<Record<Severity, number>> = { ok: 0, info: 1, warning: 2, critical: 3 };

/** The worst severity per area, or 'skipped' / absent when nothing ran there. */
export function areaStatus(report: HealthReport): Map<HealthArea, Severity | 'skipped'> {
  const status = new Map<HealthArea, Severity | 'skipped'>();
  for (const f of report.findings) {
    const area = areaOf(f.id);
    const current = status.get(area);
    if (current === undefined || current === 'skipped' || RANK[f.severity] > RANK[current])
      status.set(area, f.severity);
  }
  for (const s of report.skipped) {
    const area = areaOf(s.id);
    if (!status.has(area)) status.set(area, 'skipped');
  }
  return status;
}
