import type { MonitorSample } from '../core/monitor/sample.js';
import type { MonitorSummary } from '../core/monitor/summary.js';
import type { ReportEnvelope } from './document.js';

/** How a monitor run went: its settings and how it ended. */
export interface MonitorRun {
  readonly intervalMs: number;
  /** null: until stopped. */
  readonly durationMs: number | null;
  readonly startedAt: string;
  readonly wallMs: number;
  /** `duration` when --duration ran out, `connection-lost` when the server went away, else the signal. */
  readonly stoppedBy: 'duration' | 'connection-lost' | 'SIGINT' | 'SIGTERM';
}

/** What monitor watched, handed whole to its document builder (documents/monitor.ts). */
export interface MonitorReport extends ReportEnvelope {
  readonly command: 'monitor';
  readonly target: string;
  readonly serverVersion: string;
  readonly run: MonitorRun;
  readonly stats: MonitorSummary;
  readonly samples: readonly MonitorSample[];
}
