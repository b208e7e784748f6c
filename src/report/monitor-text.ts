import { utilisationSeverity } from '../core/guide.js';
import { CHURN_PER_SECOND_LIMIT } from '../core/guide.js';
import { clockTime } from '../core/monitor/clock.js';
import type { MonitorSample } from '../core/monitor/sample.js';
import type { MonitorSummary } from '../core/monitor/summary.js';
import { formatDuration } from '../core/units.js';
import { describeSighting, type PoolerSighting } from '../core/pooler/sighting.js';
import { paint } from './formats/text-inline.js';
import { rate, secs, sparkline as bars, waitText } from './monitor-figures.js';
import { poolerQueueText, poolerSampleText, poolerServersText, poolerWindowText } from './monitor-pooler.js';
import type { Style } from './style.js';

// The monitor's live output: the heading, a line per sample for a pipe, the view a terminal redraws.
// The summary at the end of a run is a document (documents/monitor.ts) like every other report.

/** What the header and the live view say about the run before it ends. */
export interface MonitorHeading {
  readonly target: string;
  readonly serverVersion: string;
  readonly pooler: PoolerSighting | null;
  readonly intervalMs: number;
  readonly durationMs: number | null;
  readonly usableSlots: number;
}

function paintPercent(style: Style, percent: number): string {
  return paint(style, utilisationSeverity(percent), `${percent} %`);
}

export function renderMonitorHeading(h: MonitorHeading, style: Style): string {
  const how =
    h.durationMs === null ? 'until Ctrl-C' : `for ${formatDuration(h.durationMs)} (Ctrl-C stops sooner)`;
  const via = h.pooler ? ` · ${describeSighting(h.pooler)}` : '';
  return `${style.bold('Monitoring')} ${h.target} · PostgreSQL ${h.serverVersion}${via} · ${h.usableSlots} usable slots · a sample every ${formatDuration(h.intervalMs)} ${how}, times in UTC\n`;
}

function statesText(s: MonitorSample): string {
  const { active, idle, idleInTransaction, other, unknown } = s.byState;
  return [
    `active ${active}`,
    `idle ${idle}`,
    `idle in transaction ${idleInTransaction}`,
    ...(other > 0 ? [`other ${other}`] : []),
    ...(unknown > 0 ? [`unknown ${unknown}`] : []),
  ].join(', ');
}

function churnText(s: MonitorSample, style: Style): string {
  if (!s.churn) return 'churn n/a (PostgreSQL 14+)';
  const perSecond = rate(s.churn.newSessionsPerSecond);
  const painted = s.churn.newSessionsPerSecond > CHURN_PER_SECOND_LIMIT ? style.yellow(perSecond) : perSecond;
  const abnormal = s.churn.abandoned + s.churn.fatal + s.churn.killed;
  return `${painted} new sessions/s${abnormal > 0 ? `, ${style.yellow(`${abnormal} ended abnormally`)}` : ''}`;
}

/** Other clients' transactions per second (committed and rolled back). */
function transactionsText(s: MonitorSample): string[] {
  return s.transactions ? [`${rate(s.transactions.perSecond)} tps`] : [];
}

/** One line per sample, for a pipe or a log file; with sub-second intervals the time shows tenths. */
export function renderSampleLine(s: MonitorSample, style: Style, tenths = false): string {
  const iit = s.byState.idleInTransaction > 0 ? ` (oldest ${secs(s.oldestIdleInTransactionSeconds)})` : '';
  return [
    clockTime(s.at, tenths),
    `${s.clients}/${s.usableSlots} slots (${paintPercent(style, s.utilisationPercent)})`,
    `${statesText(s)}${iit}`,
    churnText(s, style),
    ...transactionsText(s),
    `longest query ${secs(s.longestQuerySeconds)}`,
    `lock waits ${s.waitingOnLocks > 0 ? style.yellow(String(s.waitingOnLocks)) : '0'}`,
    ...(s.pooler ? [poolerSampleText(s.pooler, style)] : []),
  ]
    .join(' · ')
    .concat('\n');
}

function sparkline(samples: readonly MonitorSample[], columns: number, style: Style): string {
  return bars(samples.slice(-Math.max(8, columns)))
    .bars.map(({ bar, tone }) => paint(style, tone, bar))
    .join('');
}

function statsText(stats: MonitorSummary): string {
  const u = stats.utilisation;
  return u.peakPercent === null
    ? 'no sample yet'
    : `peak ${u.peakPercent} %, mean ${u.meanPercent} %, p95 ${u.p95Percent} %`;
}

/** The pooler's lines of the live view: the queue now and at worst, then its servers and throughput. */
function poolerLines(
  last: MonitorSample,
  stats: MonitorSummary,
  style: Style,
  label: (text: string) => string,
): string[] {
  const p = last.pooler;
  if (!p) return [];
  const run = stats.pooler;
  const worst =
    run && run.clientsWaiting.peak > 0
      ? ` (peak ${run.clientsWaiting.peak} waiting, longest wait ${waitText(run.maxWait.peakMs)})`
      : '';
  if (p.status === 'lost') return [`${label('pooler')}${poolerQueueText(p, style)}: ${p.reason}${worst}`];
  const rest = [poolerServersText(p), poolerWindowText(p)].filter((x) => x !== '').join(' · ');
  return [`${label('pooler')}${poolerQueueText(p, style)}${worst} · ${rest}`];
}

/** The compact view a terminal redraws after each sample. */
export function renderLiveView(
  heading: MonitorHeading,
  samples: readonly MonitorSample[],
  stats: MonitorSummary,
  style: Style,
  width: number,
): string[] {
  const last = samples[samples.length - 1];
  const label = (text: string) => style.dim(text.padEnd(14));
  if (!last) return [`${label('waiting')}first sample in ${formatDuration(heading.intervalMs)}…`];
  const churnPeak = stats.churn
    ? ` (peak ${rate(stats.churn.peakPerSecond)}/s, ${stats.churn.newSessions} since the start)`
    : '';
  const lines = [
    `${label('utilisation')}${paintPercent(style, last.utilisationPercent)} of ${last.usableSlots} usable slots  ${sparkline(samples, width - 46, style)}`,
    `${label('')}${statsText(stats)} · ${stats.samples} sample${stats.samples === 1 ? '' : 's'}, last at ${clockTime(last.at)} UTC`,
    `${label('clients')}${last.clients}: ${statesText(last)}`,
    `${label('churn')}${churnText(last, style)}${churnPeak}`,
    `${label('transactions')}${transactionsText(last)[0] ?? 'n/a'}${stats.transactions ? ` (mean ${rate(stats.transactions.meanPerSecond)}, peak ${rate(stats.transactions.peakPerSecond)}; ${stats.transactions.committed} committed, ${stats.transactions.rolledBack} rolled back)` : ''}`,
    `${label('idle in tx')}${last.byState.idleInTransaction}${last.byState.idleInTransaction > 0 ? `, oldest ${secs(last.oldestIdleInTransactionSeconds)}` : ''} · longest query ${secs(last.longestQuerySeconds)} · lock waits ${last.waitingOnLocks}`,
    ...poolerLines(last, stats, style, label),
  ];
  // A line that wrapped would throw off the redraw, which moves the cursor up by lines written.
  return lines.map((line) => fitLine(line, width - 1));
}

// eslint-disable-next-line no-control-regex
const ESCAPE_OR_CHAR = /\u001b\[[0-9;]*m|[\s\S]/gu;

/** Cuts `line` to `columns` visible characters, keeping its colour escapes and resetting them at the end. */
export function fitLine(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  let cut = false;
  for (const [token] of line.matchAll(ESCAPE_OR_CHAR)) {
    if (token.startsWith('\u001b[')) out += token;
    else if (visible < columns) {
      out += token;
      visible += 1;
    } else cut = true;
  }
  return cut && out.includes('\u001b[') ? `${out}\u001b[0m` : out;
}
