import type { FailOn, Finding, Skipped } from '../core/findings.js';
import type { MonitorSample } from '../core/monitor/sample.js';
import type { MonitorSummary } from '../core/monitor/summary.js';

/** How a monitor run went: its settings and how it ended. */
export interface MonitorRun {
  readonly intervalMs: number;
  /** null: until stopped. */
  readonly durationMs: number | null;
  readonly startedAt: string;
  readonly wallMs: number;
  /** `duration` when --duration ran out, else the signal that stopped it. */
  readonly stoppedBy: 'duration' | 'SIGINT' | 'SIGTERM';
}

/** What monitor watched, handed whole to each renderer. */
export interface MonitorReport {
  readonly command: 'monitor';
  readonly target: string;
  readonly serverVersion: string;
  readonly run: MonitorRun;
  readonly stats: MonitorSummary;
  readonly samples: readonly MonitorSample[];
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

/** Eight levels over 0–100 %, so that bars read the same whatever the run's range. */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkBar(percent: number): string {
  const level = Math.min(BARS.length - 1, Math.max(0, Math.floor((percent / 100) * BARS.length)));
  return BARS[level] ?? '▁';
}
