import {
  idleInTransactionTimeoutFix,
  idleInTransactionTimeoutNote,
  idleInTransactionTimeoutTooLong,
} from '../checks/fix.js';
import type { Finding, Skipped } from '../findings.js';
import {
  CHURN_PER_SECOND_LIMIT,
  UTILISATION_BANDS,
  UTILISATION_CRITICAL_PERCENT,
  UTILISATION_WARNING_PERCENT,
  utilisationSeverity,
} from '../guide.js';
import { CHURN_NEEDS_14, sessionStatesSkipped } from '../health/rules.js';
import { formatDuration } from '../units.js';
import type { MonitorSummary } from './summary.js';

export interface MonitorContext {
  readonly role: string;
  readonly canSeeOthers: boolean;
  readonly hasSessionCounters: boolean;
  /** Report sessions idle in a transaction for longer than this. */
  readonly idleInTransactionThresholdMs: number;
  /** The server's idle_in_transaction_session_timeout; 0 or null: off. */
  readonly idleInTransactionTimeoutMs: number | null;
}

/** `2026-11-26T17:03:12.345Z` → `17:03:12`, or `17:03:12.3` with tenths (UTC, as the samples carry it). */
export function clockTime(iso: string | null, tenths = false): string {
  return iso ? iso.slice(11, tenths ? 21 : 19) : '?';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (s: number) => formatDuration(Math.max(0, Math.round(s)) * 1000);

/** "in 3 of 20 samples (about 15s), first at 17:03:12 UTC" */
function howLong(count: number, summary: MonitorSummary, firstAt: string | null): string {
  return `in ${count} of ${plural(summary.samples, 'sample')} (about ${formatDuration(count * summary.intervalMs)}), first at ${clockTime(firstAt)} UTC`;
}

function utilisationFinding(summary: MonitorSummary): Finding {
  const u = summary.utilisation;
  if (u.peakPercent === null) {
    return {
      id: 'server-utilisation',
      severity: 'info',
      title: 'No sample was taken: the run ended before the first interval was over',
    };
  }
  const severity = utilisationSeverity(u.peakPercent);
  const spell =
    severity === 'critical'
      ? `: above ${UTILISATION_CRITICAL_PERCENT} % ${howLong(u.criticalSamples, summary, u.firstCriticalAt)}`
      : severity === 'warning'
        ? `: ${UTILISATION_WARNING_PERCENT}–${UTILISATION_CRITICAL_PERCENT} % ${howLong(u.warningSamples, summary, u.firstWarningAt)}`
        : '';
  return {
    id: 'server-utilisation',
    severity,
    title: `Utilisation peaked at ${u.peakPercent} % (${u.peakClients} of ${u.usableSlots} usable slots) at ${clockTime(u.peakAt)} UTC${spell}`,
    observed: `peak ${u.peakPercent} %, mean ${u.meanPercent} %, p95 ${u.p95Percent} % over ${plural(summary.samples, 'sample')}`,
    expected: `under ${UTILISATION_WARNING_PERCENT} % (${UTILISATION_BANDS})`,
    ...(severity === 'ok' ? {} : { hints: ['too-many-connections'] }),
  };
}

function churnFindings(summary: MonitorSummary): Finding[] {
  const c = summary.churn;
  if (!c || summary.samples === 0) return [];
  const windowMs = summary.samples * summary.intervalMs;
  const findings: Finding[] = [];
  if (c.peakPerSecond > CHURN_PER_SECOND_LIMIT) {
    findings.push({
      id: 'connection-churn',
      severity: 'warning',
      title: `Clients opened up to ${Math.round(c.peakPerSecond)} new sessions per second (at ${clockTime(c.peakAt)} UTC): connections are not being reused`,
      observed: `${c.newSessions} new sessions in about ${formatDuration(windowMs)}, peak ${c.peakPerSecond}/s`,
      expected: `fewer than ${CHURN_PER_SECOND_LIMIT} per second from pooled applications`,
      hints: ['intermittent-failures', 'pgbouncer'],
    });
  } else {
    findings.push({
      id: 'connection-churn',
      severity: 'ok',
      title: `Clients opened ${c.newSessions} new sessions in about ${formatDuration(windowMs)}, at most ${c.peakPerSecond} per second`,
    });
  }
  const abnormal = c.abandoned + c.fatal + c.killed;
  if (abnormal > 0) {
    findings.push({
      id: 'sessions-ended-abnormally',
      severity: 'info',
      title: `${plural(abnormal, 'session')} ended abnormally while pooltune watched (${c.abandoned} abandoned, ${c.fatal} fatal, ${c.killed} killed)`,
      hints: ['intermittent-failures'],
    });
  }
  return findings;
}

function idleInTransactionFinding(summary: MonitorSummary, context: MonitorContext): Finding[] {
  const oldest = summary.idleInTransaction.oldestSeconds;
  if (oldest === null || oldest * 1000 <= context.idleInTransactionThresholdMs) return [];
  const timeout = context.idleInTransactionTimeoutMs;
  const settingNote = idleInTransactionTimeoutNote(timeout, 'them');
  return [
    {
      id: 'idle-in-transaction',
      severity: 'warning',
      title: `A session sat idle inside a transaction for ${seconds(oldest)} (seen at ${clockTime(summary.idleInTransaction.oldestAt)} UTC${summary.idleInTransaction.peak > 1 ? `; up to ${summary.idleInTransaction.peak} such sessions at once` : ''}): ${settingNote}`,
      observed: `${seconds(oldest)} idle in transaction`,
      expected: `under ${formatDuration(context.idleInTransactionThresholdMs)}`,
      ...(idleInTransactionTimeoutTooLong(timeout) ? { fix: idleInTransactionTimeoutFix() } : {}),
      hints: ['slow-acquisition'],
    },
  ];
}

function lockFinding(summary: MonitorSummary): Finding[] {
  const locks = summary.waitingOnLocks;
  if (locks.peak === 0) return [];
  return [
    {
      id: 'lock-waits',
      severity: 'warning',
      title:
        locks.peak === 1
          ? `A session waited on a lock (at ${clockTime(locks.peakAt)} UTC, in ${locks.samples} of ${plural(summary.samples, 'sample')}), holding its connection while it waited`
          : `Up to ${locks.peak} sessions waited on a lock at once (at ${clockTime(locks.peakAt)} UTC, in ${locks.samples} of ${plural(summary.samples, 'sample')}), holding their connections while they waited`,
      hints: ['slow-acquisition'],
    },
  ];
}

/** The guide's thresholds over the whole run: the peak decides, and the finding says when and for how long. */
export function evaluateMonitor(
  summary: MonitorSummary,
  context: MonitorContext,
): { findings: Finding[]; skipped: Skipped[] } {
  const findings = [
    utilisationFinding(summary),
    ...churnFindings(summary),
    ...idleInTransactionFinding(summary, context),
    ...lockFinding(summary),
  ];
  const skipped: Skipped[] = [
    ...(context.canSeeOthers
      ? []
      : [
          sessionStatesSkipped(
            context.role,
            "the role cannot see other roles' sessions' state (shown as unknown): idle-in-transaction sessions, lock waits and long queries are judged on the role's own sessions only",
          ),
        ]),
    ...(context.hasSessionCounters ? [] : [CHURN_NEEDS_14]),
  ];
  return { findings, skipped };
}
