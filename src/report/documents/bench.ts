import { withHints } from '../../core/finding-hints.js';
import { describeLoad } from '../../core/bench/load.js';
import type { BenchMeasurement } from '../../core/bench/measurement.js';
import { formatDuration, formatShareOneDecimal } from '../../core/units.js';
import type { BenchInstanceReport, BenchReport, BenchRunReport } from '../bench-report.js';
import { dim, ms, reached, type ReportDocument, type Section } from '../document.js';
import { benchCharts } from '../charts/bench.js';

/**
 * The rows every rendering shows, one value per run: times in ms unless the value says otherwise. Kept
 * short, so that two runs side by side fit an 80-column terminal.
 */
function comparisonRows(report: BenchReport): { label: string; values: string[] }[] {
  const pct = formatShareOneDecimal;
  const each = (f: (m: BenchMeasurement, r: BenchRunReport) => string) =>
    report.runs.map((r) => f(r.measurement, r));
  const spread = (pick: (m: BenchMeasurement) => BenchMeasurement['acquire']) =>
    each((m) => {
      const l = pick(m);
      return [l.p50Ms, l.p95Ms, l.p99Ms, l.maxMs].map((v) => ms(v)).join(' / ');
    });
  const rows = [
    // Only with a fleet: a single instance's report stays as it was.
    ...(report.runs.some((r) => r.instances !== undefined)
      ? [{ label: 'instances', values: each((_, r) => `${r.instances ?? 1}, each with its own pool`) }]
      : []),
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
  // Through a pooler the query times include its queue; its totals say how much of them that was.
  if (report.runs.some((r) => r.poolerWindow)) {
    rows.push({
      label: 'PgBouncer queue',
      values: each((_, r) =>
        r.poolerWindow
          ? `${ms(r.poolerWindow.waitPerCheckoutMs ?? 0)} per ${r.poolerWindow.assignments === null ? 'txn' : 'checkout'}, ${r.poolerWindow.clientsWaiting} left waiting`
          : 'not read',
      ),
    });
  }
  return rows;
}

/** `8 clients` or `50/s`: an instance's share of the load, short. */
function share(load: BenchInstanceReport['load']): string {
  return load.arrivals.kind === 'closed'
    ? `${load.arrivals.clients} client${load.arrivals.clients === 1 ? '' : 's'}`
    : `${Math.round(load.arrivals.ratePerSecond * 100) / 100}/s`;
}

/**
 * A fleet's table: a row per instance and one for the fleet, whose percentiles are over all its requests.
 * Erlang C's column is each instance's own pool at its share of the arrivals.
 */
function fleetSection(run: BenchRunReport): Section | undefined {
  if (!run.fleet) return undefined;
  const pct = formatShareOneDecimal;
  const withModel = run.fleet.some((i) => i.model);
  const row = (name: string, m: BenchMeasurement, model: BenchInstanceReport['model']) => [
    name,
    `${m.throughputPerSecond}`,
    [m.total.p50Ms, m.total.p95Ms, m.total.p99Ms].map((v) => ms(v)).join(' / '),
    `${ms(m.acquire.meanMs)} / ${ms(m.acquire.p99Ms)}`,
    pct(m.waitedShare),
    ...(withModel
      ? [
          model
            ? `${pct(model.waitProbability)}, ${model.meanWaitMs === null ? 'unbounded' : ms(model.meanWaitMs)}`
            : '',
        ]
      : []),
    `${m.errors + m.timeouts}`,
  ];
  return {
    heading: `Instances: ${run.pool.label}`,
    blocks: [
      {
        kind: 'table',
        head: [
          '',
          'req/s',
          'total p50/95/99',
          'acquire mean/p99',
          'waited',
          ...(withModel ? ['Erlang C'] : []),
          'errors',
        ],
        rows: [
          ...run.fleet.map((i) => row(`instance ${i.instance}, ${share(i.load)}`, i.measurement, i.model)),
          row(`fleet, ${run.fleet.length} pools`, run.measurement, run.model),
        ],
      },
      {
        kind: 'paragraph',
        text: dim(
          'each instance a worker thread with its own pool, and its share of the load; the fleet row is over every request; "Erlang C": waited, mean wait; errors include acquire timeouts',
        ),
      },
    ],
  };
}

/** The load, one column per configuration, then the findings of the configuration under test. */
export function benchDocument(report: BenchReport): ReportDocument {
  const measured = report.runs[0]?.measurement.windowMs ?? 0;
  const compared = report.runs.slice(1).flatMap((run): Section[] => {
    const attention = run.findings.filter((f) => f.severity !== 'ok');
    return attention.length === 0
      ? []
      : [
          {
            heading: `Compared: ${run.pool.label}`,
            blocks: [{ kind: 'findings', findings: attention, note: 'not part of the exit code' }],
          },
        ];
  });
  return {
    envelope: report,
    header: { title: 'Bench', subject: report.target, facts: reached(report) },
    sections: [
      {
        blocks: [
          {
            kind: 'paragraph',
            label: 'Load',
            text: `${describeLoad(report.load)}; ${(measured / 1000).toFixed(1)}s measured after ${formatDuration(report.load.warmupMs)} of warm-up${report.stoppedBy ? ` (stopped early by ${report.stoppedBy})` : ''}`,
          },
        ],
      },
      {
        blocks: [
          {
            kind: 'table',
            head: ['', ...report.runs.map((r) => r.pool.label)],
            rows: comparisonRows(report).map((row) => [row.label, ...row.values]),
          },
          {
            kind: 'paragraph',
            text: dim('times in ms; "waited": no idle connection was ready when the request asked'),
          },
          ...benchCharts(report).map((chart) => ({ kind: 'chart' as const, chart })),
        ],
      },
      ...report.runs.flatMap((run) => fleetSection(run) ?? []),
      ...compared,
    ],
    json: {
      body: {
        load: report.load,
        loadDescription: describeLoad(report.load),
        // Each run's findings carry the table's hints here too, as the envelope's do (documents/index.ts).
        runs: report.runs.map((run) => ({
          ...run,
          findings: run.findings.map((f) => withHints(f, { pooler: report.pooler != null })),
        })),
        stoppedBy: report.stoppedBy,
      },
    },
  };
}
