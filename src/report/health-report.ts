import type { HealthMetrics } from '../core/health/metrics.js';
import type { ReportEnvelope } from './document.js';

/** What health measured, handed whole to its document builder (documents/health.ts). */
export interface HealthReport extends ReportEnvelope {
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
    /** The signal that ended the probe early, if one did. */
    readonly stoppedBy?: 'SIGINT' | 'SIGTERM' | null;
  };
  readonly schema: string | null;
}
