import type { Skipped } from '../findings.js';

/** Checks that need other roles' session states, skipped with the GRANT that enables them. */
export function sessionStatesSkipped(role: string, reason: string): Skipped {
  return { id: 'session-states', reason, enableWith: `GRANT pg_monitor TO "${role.replaceAll('"', '""')}";` };
}

/** Churn comes from pg_stat_database's session counters, which PostgreSQL 14 added. */
export const CHURN_NEEDS_14: Skipped = {
  id: 'connection-churn',
  reason: 'session counters in pg_stat_database need PostgreSQL 14 or newer',
};
