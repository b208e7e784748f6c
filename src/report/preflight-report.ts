import type { IgnoredFinding } from '../core/findings.js';
import type { HealthMetrics } from '../core/health/metrics.js';
import type { ReportEnvelope } from './document.js';

export interface PlanRow {
  readonly service: string;
  readonly workload: string;
  readonly instances: number;
  readonly poolMax: number;
  readonly total: number;
}

/** check-server, health and the plan checks against one target, as one report. */
export interface PreflightReport extends ReportEnvelope {
  readonly command: 'preflight';
  readonly target: string;
  readonly serverVersion: string;
  readonly configFile: string;
  readonly plan: readonly PlanRow[];
  readonly server: {
    readonly maxConnections: number;
    readonly reservedSlots: number;
    readonly usableSlots: number;
    readonly heldNow: number;
  };
  readonly metrics: HealthMetrics | null;
  readonly ignored: readonly IgnoredFinding[];
}
