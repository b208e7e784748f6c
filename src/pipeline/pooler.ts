import { PooltuneError } from '../core/errors.js';
import { effectivePoolMode } from '../core/pooler/facts.js';
import type { PoolerSighting } from '../core/pooler/sighting.js';
import type { SessionRoute } from '../core/server-facts.js';
import type { PoolerReadOptions } from '../probes/pooler.js';
import { describeTarget, type ConnectionTarget } from '../probes/target.js';
import type { Target } from './target.js';

/** Why a console could not be read, in one line: the error and its first hint. */
function reasonOf(error: unknown): string {
  if (error instanceof PooltuneError) {
    const hint = error.hints[0];
    return hint ? `${error.message} (${hint})` : error.message;
  }
  return (error as Error).message?.split('\n')[0] ?? String(error);
}

/** The admin console a run reads: --pooler's, else the target's own endpoint's `pgbouncer` database. */
export async function consoleOf(
  target: Target,
): Promise<{ console: ConnectionTarget; options: PoolerReadOptions }> {
  const { consoleTargetOf } = await import('../probes/pooler.js');
  const { connection, sessionOptions } = target.endpoint;
  const console = target.pooler.console ?? consoleTargetOf(connection);
  return {
    console,
    options: {
      connectTimeoutMs: console.connectTimeoutMs ?? sessionOptions.connectTimeoutMs,
      env: sessionOptions.env,
    },
  };
}

/**
 * The pooler in front of the target: named by --pooler, or seen by the session itself (the backend pid
 * announced at login was not the server's). Its admin console is read: the one named, which must answer
 * (exit 3 otherwise), or the seen pooler's own `pgbouncer` database with the same login, which may refuse
 * (then the sighting says why, and the run goes on).
 */
export async function sightPooler(target: Target, route: SessionRoute): Promise<PoolerSighting | null> {
  const named = target.pooler.console;
  if (!route.throughPooler && named === undefined) return null;
  const { readPoolerFacts } = await import('../probes/pooler.js');
  const { connection } = target.endpoint;
  const { console, options } = await consoleOf(target);
  const seenBy = named === undefined ? 'backend-pid' : 'named';
  try {
    const facts = await readPoolerFacts(console, options);
    // The pool pooltune's own session went through, when it went through this pooler.
    const poolMode = route.throughPooler
      ? effectivePoolMode(facts, connection.database, connection.user)
      : null;
    return {
      seenBy,
      sessionThrough: route.throughPooler,
      console: describeTarget(console),
      facts,
      poolMode,
      unread: null,
    };
  } catch (error) {
    if (named !== undefined) throw error;
    return {
      seenBy,
      sessionThrough: route.throughPooler,
      console: describeTarget(console),
      facts: null,
      poolMode: null,
      unread: reasonOf(error),
    };
  }
}
