import type { Load } from '../core/bench/load.js';
import type { BenchMeasurement } from '../core/bench/measurement.js';
import type { PoolUnderTest } from '../core/bench/pool.js';
import type { WaitModel } from '../core/bench/prediction.js';
import type { FailOn, Finding, Skipped } from '../core/findings.js';
import { formatDuration } from '../core/units.js';

/** One configuration's run under the load. */
export interface BenchRunReport {
  readonly pool: PoolUnderTest;
  readonly measurement: BenchMeasurement;
  /** Open loop: what Erlang C predicts for this pool, this rate and the measured hold; else null. */
  readonly model: WaitModel | null;
  readonly findings: readonly Finding[];
  readonly stoppedEarly: boolean;
  /** Connections the run held at most: the pool's, plus pooltune's own session. */
  readonly peakConnections: number;
}

export interface BenchReport {
  readonly command: 'bench';
  readonly target: string;
  readonly serverVersion: string;
  readonly load: Load;
  /** The configuration under test first; with --compare, the other one second. */
  readonly runs: readonly BenchRunReport[];
  /** The first run's findings: they alone decide the exit code. */
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  readonly failOn: FailOn;
  readonly exitCode: number;
  /** Set when Ctrl-C or SIGTERM ended the run early: the report covers what was measured until then. */
  readonly stoppedBy: string | null;
}

/**
 * The rows every rendering shows, one value per run: times in ms unless the value says otherwise. Kept
 * short, so that two runs side by side fit an 80-column terminal.
 */
export function comparisonRows(report: BenchReport): { label: string; values: string[] }[] {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  const each = (f: (m: BenchMeasurement, r: BenchRunReport) => string) =>
    report.runs.map((r) => f(r.measurement, r));
  const spread = (pick: (m: BenchMeasurement) => BenchMeasurement['acquire']) =>
    each((m) => {
      const l = pick(m);
      return [l.p50Ms, l.p95Ms, l.p99Ms, l.maxMs].map(ms).join(' / ');
    });
  const rows = [
    {
      label: 'pool max (min), timeout',
      values: each(
        (_, r) =>
          `${r.pool.maxConnections} (${r.pool.minConnections}), ${formatDuration(r.pool.acquireTimeoutMs)}`,
      ),
    },
    { label: 'requests done', values: each((m) => `${m.completed}, ${m.throughputPerSecond}/s`) },
    { label: 'waited', values: each((m) => pct(m.waitedShare)) },
    ...(report.runs.some((r) => r.model)
      ? [
          {
            label: 'Erlang C: waited, mean',
            values: each((_, r) =>
              r.model
                ? `${pct(r.model.waitProbability)}, ${r.model.meanWaitMs === null ? 'unbounded' : ms(r.model.meanWaitMs)}`
                : '',
            ),
          },
        ]
      : []),
    { label: 'acquire p50/95/99/max', values: spread((m) => m.acquire) },
    { label: 'query p50/95/99/max', values: spread((m) => m.query) },
    { label: 'total p50/95/99/max', values: spread((m) => m.total) },
    {
      label: 'acquire timeouts',
      values: each((m) => `${m.timeouts} (${(m.timeoutRate * 100).toFixed(2)} %)`),
    },
    {
      label: 'errors',
      values: each((m) =>
        m.errors === 0
          ? '0'
          : `${m.errors}: ${Object.entries(m.errorCodes)
              .map(([c, n]) => `${c} × ${n}`)
              .join(', ')}`,
      ),
    },
    { label: 'busy connections', values: each((m) => `${m.busyConnections} (mean)`) },
    {
      label: 'peak size / waiting',
      values: each((m) => `${m.pool.peakTotal} / ${m.pool.peakWaiting} (mean ${m.pool.meanWaiting})`),
    },
  ];
  if (report.load.arrivals.kind === 'open') {
    rows.push({
      label: 'sent late p99',
      values: each((m) => `${ms(m.lag.p99Ms)}${m.client.fellBehind ? ', fell behind' : ''}`),
    });
  }
  rows.push({ label: 'client CPU per request', values: each((m) => `${m.client.cpuPerRequestUs} µs`) });
  return rows;
}
