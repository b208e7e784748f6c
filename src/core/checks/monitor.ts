import { plural } from '../plural.js';
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
import { poolerQueueFindings } from './monitor-pooler.js';
import { SESSION_PROBLEMS, sessionFinding, type SessionProblem } from '../sessions/judge.js';
import { defineFamily, type Check } from './registry.js';
import { limitsOf } from './sessions.js';
import { CHURN_NEEDS_14, sessionStatesSkipped } from './skipped.js';
import { outcome } from './types.js';

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

function churnFindings(summary: MonitorSummary, throughPooler: boolean): Finding[] {
  const c = summary.churn;
  if (!c || summary.samples === 0) return [];
  const windowMs = summary.samples * summary.intervalMs;
  return [
    churnFinding(
      c.peakPerSecond,
      {
        busy: `Clients opened up to ${Math.round(c.peakPerSecond)} new sessions per second (at ${clockTime(c.peakAt)} UTC): connections are not being reused`,
        observed: `${c.newSessions} new sessions in about ${formatDuration(windowMs)}, peak ${c.peakPerSecond}/s`,
        calm: `Clients opened ${c.newSessions} new sessions in about ${formatDuration(windowMs)}, at most ${c.peakPerSecond} per second`,
      },
      throughPooler,
    ),
    ...abnormalEndFindings(
      c,
      (n, breakdown) => `${plural(n, 'session')} ended abnormally while pooltune watched (${breakdown})`,
    ),
  ];
}

/** "seen at 17:03:12 UTC, in 3 of 20 samples": when the named sessions were seen, and how often the problem was. */
function seenNote(at: string, samplesWith: number | undefined, summary: MonitorSummary): string {
  const often =
    samplesWith === undefined ? '' : `, in ${samplesWith} of ${plural(summary.samples, 'sample')}`;
  return `seen at ${clockTime(at)} UTC${often}`;
}

/** The session findings over the run, judged as check-server and health judge them, on the worst sample's sessions. */
function sessionProblemCheck(problem: SessionProblem): Check<'monitor'> {
  return {
    id: problem,
    run: ({ summary, context, worstSessions }, settings) => {
      const seen = worstSessions[problem];
      if (!seen) return outcome();
      // Any lock wait counts, so its samples say how often; the other problems have a threshold the counts lack.
      const samplesWith = problem === 'lock-waits' ? summary.waitingOnLocks.samples : undefined;
      const finding = sessionFinding(problem, seen.sessions, limitsOf(settings), context.sessionSettings, {
        idleInTransactionId: 'idle-in-transaction',
        seen: seenNote(seen.at, samplesWith, summary),
        ...(context.privileges ? { access: { role: context.role, privileges: context.privileges } } : {}),
      });
      return outcome(finding ? [finding] : []);
    },
  };
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
                "the role cannot see other roles' sessions' state (shown as unknown): sessions idle in a transaction, long queries and long transactions are judged on the role's own sessions only (lock waits and their blockers are seen all the same)",
              ),
            ],
      ),
  },
  {
    id: 'connection-churn',
    run: ({ summary, context }) =>
      outcome(
        churnFindings(summary, context.throughPooler === true),
        context.hasSessionCounters ? [] : [CHURN_NEEDS_14],
      ),
  },
  { id: 'pooler-queue-peak', run: ({ summary }) => outcome(poolerQueueFindings(summary)) },
  ...SESSION_PROBLEMS.map(sessionProblemCheck),
]);
