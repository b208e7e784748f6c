import { utilisationSeverity } from '../../core/guide.js';
import { clockTime } from '../../core/monitor/clock.js';
import { formatDuration } from '../../core/units.js';
import { plural, reached, toned, type Pair, type ReportDocument } from '../document.js';
import type { PoolerRunSummary } from '../../core/monitor/pooler-summary.js';
import { rate, secs, sparkline, waitText } from '../monitor-figures.js';
import type { MonitorReport } from '../monitor-report.js';
import { monitorCharts } from '../charts/monitor.js';

/** 2300 → `2.3s`; from a minute on, whole seconds (`2min`, `61s`). */
const elapsed = (ms: number) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(Math.round(ms / 1000) * 1000);

/** What the run saw of the pooler's queue and pools, beside the server's figures. */
function poolerFigures(p: PoolerRunSummary): Pair[] {
  const readings = p.samples + p.lostSamples;
  const lost: Pair[] =
    p.lostSamples === 0
      ? []
      : [
          {
            label: 'pooler console',
            value: `did not answer in ${p.lostSamples} of ${plural(readings, 'reading')}, first at ${clockTime(p.firstLostAt)} UTC${p.lostReason ? ` (${p.lostReason})` : ''}`,
          },
        ];
  if (p.samples === 0) return lost;
  const w = p.clientsWaiting;
  const queue =
    w.peak === 0
      ? `no client waited at any of ${plural(p.samples, 'reading')}`
      : [
          'peak ',
          toned(`${w.peak} waiting`, 'warning'),
          ` at ${clockTime(w.peakAt)} UTC (in ${w.samples} of ${plural(p.samples, 'reading')}), longest wait ${waitText(p.maxWait.peakMs)} at ${clockTime(p.maxWait.peakAt)} UTC`,
        ];
  const through =
    p.transactionsPerSecond === null
      ? 'not measured'
      : `${p.waitPerCheckoutMs === null ? 'no checkout' : `${waitText(p.waitPerCheckoutMs)} per checkout`} over the run · ${p.transactions} transactions, ${rate(p.transactionsPerSecond)}/s`;
  const use =
    p.poolUse.peakPercent === null
      ? 'not measured (a pool without a size cap)'
      : `peak ${p.poolUse.peakPercent} % of ${p.poolUse.poolSize} server connections at ${clockTime(p.poolUse.peakAt)} UTC${
          p.poolUse.fullestPool
            ? ` · fullest pool ${p.poolUse.fullestPool.pool} at ${p.poolUse.fullestPool.percent} % (${clockTime(p.poolUse.fullestPool.at)} UTC)`
            : ''
        }`;
  return [
    { label: 'pooler queue', value: queue },
    { label: 'pooler wait', value: through },
    { label: 'pool use', value: use },
    ...lost,
  ];
}

/** The end of a run: what was seen over it, then findings and hints. JSON: the last NDJSON line, after the samples'. */
export function monitorDocument(report: MonitorReport): ReportDocument {
  const { run, stats } = report;
  const u = stats.utilisation;
  const c = stats.churn;
  const t = stats.transactions;
  const ended =
    run.stoppedBy === 'duration'
      ? ''
      : run.stoppedBy === 'connection-lost'
        ? ' (the connection was lost)'
        : ` (stopped by ${run.stoppedBy === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'})`;
  const figures: Pair[] =
    u.peakPercent === null
      ? []
      : [
          {
            label: 'utilisation',
            value: [
              'peak ',
              toned(`${u.peakPercent} %`, utilisationSeverity(u.peakPercent)),
              ` (${u.peakClients} of ${u.usableSlots} at ${clockTime(u.peakAt)} UTC), mean ${u.meanPercent} %, p95 ${u.p95Percent} %  `,
              sparkline(report.history),
            ],
          },
          {
            label: 'churn',
            value: c
              ? `${c.newSessions} new sessions, peak ${rate(c.peakPerSecond)}/s · ${c.abandoned} abandoned, ${c.fatal} fatal, ${c.killed} killed`
              : 'not measured (PostgreSQL 14+)',
          },
          {
            label: 'transactions',
            value: t
              ? `${rate(t.meanPerSecond)}/s mean, peak ${rate(t.peakPerSecond)}/s${t.peakAt ? ` at ${clockTime(t.peakAt)} UTC` : ''} · ${t.committed} committed, ${t.rolledBack} rolled back`
              : 'not measured',
          },
          {
            label: 'idle in tx',
            value: `peak ${stats.idleInTransaction.peak} at once, oldest ${secs(stats.idleInTransaction.oldestSeconds)}`,
          },
          { label: 'longest query', value: secs(stats.longestQuerySeconds) },
          {
            label: 'lock waits',
            value: `peak ${stats.waitingOnLocks.peak}, in ${stats.waitingOnLocks.samples} samples`,
          },
          ...(stats.pooler ? poolerFigures(stats.pooler) : []),
        ];
  return {
    envelope: report,
    header: {
      title: 'Monitor summary',
      subject: report.target,
      facts: [
        ...reached(report),
        `${plural(stats.samples, 'sample')} every ${formatDuration(run.intervalMs)} over ${elapsed(run.wallMs)}${ended}`,
      ],
    },
    sections:
      figures.length > 0
        ? [
            {
              blocks: [
                { kind: 'pairs', head: ['figure', 'value'], rows: figures },
                ...monitorCharts(report.history, stats).map((chart) => ({ kind: 'chart' as const, chart })),
              ],
            },
          ]
        : [],
    json: {
      body: { run, stats, history: report.history },
      ndjson: report.spooledTo === undefined ? {} : { spooledTo: report.spooledTo },
    },
  };
}
