import type { HistoryPoint } from '../core/monitor/history.js';
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
  /** The run at a resolution that does not grow with it: what the charts, their tables and the sparkline show. */
  readonly history: readonly HistoryPoint[];
  /**
   * With --format json and --output: the partial file beside it where each sample's line went as it was
   * taken; the summary line is added and the file put in place at the end. No sample is kept in memory.
   */
  readonly spooledTo?: string;
}
