import type { FindingId } from '../findings.js';
import {
  sessionFinding,
  sessionsBehind,
  type SessionLimits,
  type SessionProblem,
} from '../sessions/judge.js';
import type { CheckSettings } from './input.js';
import { defineFamily, type Check } from './registry.js';
import { sessionStatesSkipped } from './skipped.js';
import { outcome } from './types.js';

export const limitsOf = (settings: CheckSettings): SessionLimits => ({
  idleInTransactionMs: settings.idleInTransactionMs,
  longQueryMs: settings.longQueryMs,
  longTransactionMs: settings.longTransactionMs,
});

function problemCheck(id: FindingId, problem: SessionProblem): Check<'sessions'> {
  return {
    id,
    run: (observed, settings) => {
      const limits = limitsOf(settings);
      const finding = sessionFinding(
        problem,
        sessionsBehind(problem, observed.roster, limits),
        limits,
        observed.settings,
        {
          idleInTransactionId: observed.idleInTransactionId,
          roster: observed.roster,
          ...(observed.privileges
            ? { access: { role: observed.role, privileges: observed.privileges } }
            : {}),
        },
      );
      return outcome(finding ? [finding] : []);
    },
  };
}

/** The session findings, one definition for every command that reads the roster; monitor judges its worst samples the same way. */
export const sessionChecks = defineFamily('sessions', [
  {
    id: 'session-states',
    run: ({ roster, role }) =>
      outcome(
        [],
        roster.canSeeOthers
          ? []
          : [
              sessionStatesSkipped(
                role,
                `role "${role}" cannot see other roles' sessions' state: sessions idle in a transaction, long queries and long transactions are judged on its own sessions only (lock waits and their blockers are seen all the same)`,
              ),
            ],
      ),
  },
  problemCheck('idle-in-transaction', 'idle-in-transaction'),
  problemCheck('long-running-queries', 'long-running-queries'),
  problemCheck('long-transactions', 'long-transactions'),
  problemCheck('lock-waits', 'lock-waits'),
]);
