import type { Finding } from '../findings.js';
import { sessionStatesSkipped } from './skipped.js';
import type { Check } from './registry.js';
import { outcome, type ServerRule } from './types.js';

const list = (items: readonly { name: string; count: number }[], most = 5) =>
  items
    .slice(0, most)
    .map((i) => `${i.name} ${i.count}`)
    .join(', ') + (items.length > most ? `, … (${items.length - most} more)` : '');

/** What the other sessions are doing: needs the privilege to see their state. */
export const checkSessionStates: ServerRule = ({ facts }) => {
  const { activity } = facts;
  if (!activity.canSeeOthers) {
    return outcome(
      [],
      [
        sessionStatesSkipped(
          facts.currentRole,
          `role "${facts.currentRole}" cannot see other roles' sessions' state: connections per application are not counted, and sessions idle in a transaction, long queries and long transactions are judged on its own sessions only (lock waits and their blockers are seen all the same)`,
        ),
      ],
    );
  }
  const findings: Finding[] = [];
  if (activity.byApplication.length > 0) {
    findings.push({
      id: 'connections-by-application',
      severity: 'info',
      title: `Client connections by application: ${list(activity.byApplication)}; by state: ${list(activity.byState)}`,
    });
  }
  return outcome(findings);
};

/** Settings changed in the configuration that only take effect after a restart. */
export const checkPendingRestart: ServerRule = ({ facts }) => {
  const pending = [...facts.settings.values()].filter((s) => s.pendingRestart).map((s) => s.name);
  if (pending.length === 0) return outcome();
  return outcome([
    {
      id: 'pending-restart',
      severity: 'info',
      title: `Changed but waiting for a restart: ${pending.join(', ')}; the values shown are the ones in force`,
    },
  ]);
};

/** The server family's checks of what the other sessions are doing, in report order. */
export const activityChecks: readonly Check<'server'>[] = [
  { id: 'session-states', run: checkSessionStates },
  { id: 'pending-restart', run: checkPendingRestart },
];
