import type { Finding } from '../findings.js';
import {
  UTILISATION_BANDS,
  UTILISATION_CRITICAL_PERCENT,
  UTILISATION_WARNING_PERCENT,
  utilisationSeverity,
} from '../guide.js';
import { clockTime } from '../monitor/clock.js';
import type { MonitorSummary } from '../monitor/summary.js';
import { formatDuration } from '../units.js';
import { abnormalEndFindings, churnFinding } from './churn.js';
import {
  idleInTransactionTimeoutFix,
  idleInTransactionTimeoutNote,
  idleInTransactionTimeoutTooLong,
} from './fix.js';
import type { CheckSettings, MonitorContext } from './input.js';
import { defineFamily } from './registry.js';
import { CHURN_NEEDS_14, sessionStatesSkipped } from './skipped.js';
import { outcome } from './types.js';

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
  };
}

function churnFindings(summary: MonitorSummary): Finding[] {
  const c = summary.churn;
  if (!c || summary.samples === 0) return [];
  const windowMs = summary.samples * summary.intervalMs;
  return [
    churnFinding(c.peakPerSecond, {
      busy: `Clients opened up to ${Math.round(c.peakPerSecond)} new sessions per second (at ${clockTime(c.peakAt)} UTC): connections are not being reused`,
      observed: `${c.newSessions} new sessions in about ${formatDuration(windowMs)}, peak ${c.peakPerSecond}/s`,
      calm: `Clients opened ${c.newSessions} new sessions in about ${formatDuration(windowMs)}, at most ${c.peakPerSecond} per second`,
    }),
    ...abnormalEndFindings(
      c,
      (n, breakdown) => `${plural(n, 'session')} ended abnormally while pooltune watched (${breakdown})`,
    ),
  ];
}

function idleInTransactionFinding(
  summary: MonitorSummary,
  context: MonitorContext,
  settings: CheckSettings,
): Finding[] {
  const oldest = summary.idleInTransaction.oldestSeconds;
  if (oldest === null || oldest * 1000 <= settings.idleInTransactionMs) return [];
  const timeout = context.idleInTransactionTimeoutMs;
  const settingNote = idleInTransactionTimeoutNote(timeout, 'them');
  return [
    {
      id: 'idle-in-transaction',
      severity: 'warning',
      title: `A session sat idle inside a transaction for ${seconds(oldest)} (seen at ${clockTime(summary.idleInTransaction.oldestAt)} UTC${summary.idleInTransaction.peak > 1 ? `; up to ${summary.idleInTransaction.peak} such sessions at once` : ''}): ${settingNote}`,
      observed: `${seconds(oldest)} idle in transaction`,
      expected: `under ${formatDuration(settings.idleInTransactionMs)}`,
      ...(idleInTransactionTimeoutTooLong(timeout) ? { fix: idleInTransactionTimeoutFix() } : {}),
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
    },
  ];
}

/** monitor's family: the guide's thresholds over the whole run; the peak decides, and each finding says when and for how long. */
export const monitorChecks = defineFamily('monitor', [
  { id: 'server-utilisation', run: ({ summary }) => outcome([utilisationFinding(summary)]) },
  {
    id: 'session-states',
    run: ({ context }) =>
      outcome(
        [],
        context.canSeeOthers
          ? []
          : [
              sessionStatesSkipped(
                context.role,
                "the role cannot see other roles' sessions' state (shown as unknown): idle-in-transaction sessions, lock waits and long queries are judged on the role's own sessions only",
              ),
            ],
      ),
  },
  {
    id: 'connection-churn',
    run: ({ summary, context }) =>
      outcome(churnFindings(summary), context.hasSessionCounters ? [] : [CHURN_NEEDS_14]),
  },
  {
    id: 'idle-in-transaction',
    run: ({ summary, context }, settings) => outcome(idleInTransactionFinding(summary, context, settings)),
  },
  { id: 'lock-waits', run: ({ summary }) => outcome(lockFinding(summary)) },
]);
