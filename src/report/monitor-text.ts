import { utilizationSeverity } from '../core/checks/connections.js';
import { CHURN_PER_SECOND_LIMIT } from '../core/health/rules.js';
import { clockTime } from '../core/monitor/findings.js';
import type { MonitorSample } from '../core/monitor/sample.js';
import type { MonitorSummary } from '../core/monitor/summary.js';
import { formatDuration } from '../core/units.js';
import { renderFindingsSection } from './findings-text.js';
import { sparkBar, type MonitorReport } from './monitor-report.js';
import type { RenderOptions, Style } from './style.js';

/** What the header and the live view say about the run before it ends. */
export interface MonitorHeading {
  readonly target: string;
  readonly serverVersion: string;
  readonly intervalMs: number;
  readonly durationMs: number | null;
  readonly usableSlots: number;
}

function paintPercent(style: Style, percent: number, text = `${percent} %`): string {
  const severity = utilizationSeverity(percent);
  if (severity === 'critical') return style.red(style.bold(text));
  if (severity === 'warning') return style.yellow(text);
  return style.green(text);
}

const secs = (s: number | null) =>
  s === null ? '–' : s < 10 ? `${s.toFixed(1)}s` : formatDuration(Math.round(s) * 1000);
const rate = (r: number) => r.toFixed(1);
/** 2300 → `2.3s`; from a minute on, whole seconds (`2min`, `61s`). */
const elapsed = (ms: number) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(Math.round(ms / 1000) * 1000);

export function renderMonitorHeading(h: MonitorHeading, style: Style): string {
  const how =
    h.durationMs === null ? 'until Ctrl-C' : `for ${formatDuration(h.durationMs)} (Ctrl-C stops sooner)`;
  return `${style.bold('Monitoring')} ${h.target} · PostgreSQL ${h.serverVersion} · ${h.usableSlots} usable slots · a sample every ${formatDuration(h.intervalMs)} ${how}, times in UTC\n`;
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

/** One line per sample, for a pipe or a log file; with sub-second intervals the time shows tenths. */
export function renderSampleLine(s: MonitorSample, style: Style, tenths = false): string {
  const iit = s.byState.idleInTransaction > 0 ? ` (oldest ${secs(s.oldestIdleInTransactionSeconds)})` : '';
  return [
    clockTime(s.at, tenths),
    `${s.clients}/${s.usableSlots} slots (${paintPercent(style, s.utilisationPercent)})`,
    `${statesText(s)}${iit}`,
    churnText(s, style),
    `longest query ${secs(s.longestQuerySeconds)}`,
    `lock waits ${s.waitingOnLocks > 0 ? style.yellow(String(s.waitingOnLocks)) : '0'}`,
  ]
    .join(' · ')
    .concat('\n');
}

function sparkline(samples: readonly MonitorSample[], width: number, style: Style): string {
  return samples
    .slice(-Math.max(8, width))
    .map((s) => paintPercent(style, s.utilisationPercent, sparkBar(s.utilisationPercent)))
    .join('');
}

function statsText(stats: MonitorSummary): string {
  const u = stats.utilisation;
  return u.peakPercent === null
    ? 'no sample yet'
    : `peak ${u.peakPercent} %, mean ${u.meanPercent} %, p95 ${u.p95Percent} %`;
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
    `${label('idle in tx')}${last.byState.idleInTransaction}${last.byState.idleInTransaction > 0 ? `, oldest ${secs(last.oldestIdleInTransactionSeconds)}` : ''} · longest query ${secs(last.longestQuerySeconds)} · lock waits ${last.waitingOnLocks}`,
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

/** The end of a run: what was seen over it, then findings and hints. */
export function renderMonitorText(report: MonitorReport, options: RenderOptions): string {
  const { style } = options;
  const width = Math.max(60, Math.min(options.width ?? 100, 120));
  const { run, stats } = report;
  const out: string[] = [];
  if (!options.quiet) {
    const ended =
      run.stoppedBy === 'duration'
        ? ''
        : ` (stopped by ${run.stoppedBy === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'})`;
    out.push(
      `${style.bold('Monitor summary')} of ${report.target} · PostgreSQL ${report.serverVersion} · ${stats.samples} sample${stats.samples === 1 ? '' : 's'} every ${formatDuration(run.intervalMs)} over ${elapsed(run.wallMs)}${ended}`,
      '',
    );
    const u = stats.utilisation;
    const row = (name: string, text: string) => `  ${name.padEnd(14)}${text}`;
    if (u.peakPercent !== null) {
      out.push(
        row(
          'utilisation',
          `peak ${paintPercent(style, u.peakPercent)} (${u.peakClients} of ${u.usableSlots} at ${clockTime(u.peakAt)} UTC), mean ${u.meanPercent} %, p95 ${u.p95Percent} %  ${sparkline(report.samples, width - 70, style)}`,
        ),
        row(
          'churn',
          stats.churn
            ? `${stats.churn.newSessions} new sessions, peak ${rate(stats.churn.peakPerSecond)}/s · ${stats.churn.abandoned} abandoned, ${stats.churn.fatal} fatal, ${stats.churn.killed} killed`
            : 'not measured (PostgreSQL 14+)',
        ),
        row(
          'idle in tx',
          `peak ${stats.idleInTransaction.peak} at once, oldest ${secs(stats.idleInTransaction.oldestSeconds)}`,
        ),
        row('longest query', secs(stats.longestQuerySeconds)),
        row('lock waits', `peak ${stats.waitingOnLocks.peak}, in ${stats.waitingOnLocks.samples} samples`),
        '',
      );
    }
  }
  out.push(...renderFindingsSection(report, style, width, options.quiet));
  return `${out.join('\n')}\n`;
}
