import { UsageError } from '../core/errors.js';
import type { TargetSession } from './session.js';

/**
 * A user's --query through a pooler runs on server connections other clients get next: one that leaves
 * something there no rollback undoes (a PREPARE, a session-level advisory lock) is refused before it is
 * run again, with what it left undone. Directly to PostgreSQL the connections are pooltune's own and close
 * with the run, so there is nothing to check.
 */
export async function refuseQueryThatLeavesState(session: TargetSession, query: string): Promise<void> {
  if (!session.facts.route.throughPooler) return;
  const left = await session.connection.session.sessionStateLeftBy(query);
  if (left.length === 0) return;
  throw new UsageError(
    `--query left ${left.join(' and ')} on the pooler's server connection, which its next client would get; pooltune undid it and ran nothing more`,
    [
      'through a pooler, take pg_advisory_xact_lock (it ends with the transaction) instead of pg_advisory_lock, and give the query itself rather than PREPARE/EXECUTE',
    ],
  );
}
