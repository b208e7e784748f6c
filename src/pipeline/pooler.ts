import { PooltuneError } from '../core/errors.js';
import { effectivePoolMode } from '../core/pooler/facts.js';
import { CONSOLE_DATABASE } from '../core/pooler/parse.js';
import type { PoolerFacts } from '../core/pooler/facts.js';
import type { PoolerSighting } from '../core/pooler/sighting.js';
import { poolerWindow, type PoolerWindow } from '../core/pooler/window.js';
import type { SessionRoute } from '../core/server-facts.js';
import type { PoolerReadOptions } from '../probes/pooler.js';
import { describeTarget, type ConnectionTarget } from '../probes/target.js';
import type { Target } from './target.js';

/** Why a console could not be read, in one line, and what would let pooltune read it. */
function reasonOf(error: unknown): { unread: string; unreadHint: string | null } {
  if (error instanceof PooltuneError) return { unread: error.message, unreadHint: error.hints[0] ?? null };
  return { unread: (error as Error).message?.split('\n')[0] ?? String(error), unreadHint: null };
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
      ...reasonOf(error),
    };
  }
}

/**
 * Reads the console of the pooler the run has a sighting of, again: undefined when there is no reading to
 * compare with (the console was not read at the start) or it does not answer now. A window's figures are
 * then missing, never the run's own results.
 */
export async function readPoolerAgain(
  target: Target,
  sighting: PoolerSighting | null | undefined,
): Promise<PoolerFacts | undefined> {
  if (!sighting?.facts) return undefined;
  const { readPoolerFacts } = await import('../probes/pooler.js');
  const { console, options } = await consoleOf(target);
  try {
    return await readPoolerFacts(console, options);
  } catch {
    return undefined;
  }
}

/** The database entries whose totals explain pooltune's own timings: its own entry when it went through. */
export function entriesWatched(target: Target, sighting: PoolerSighting): readonly string[] | undefined {
  return sighting.sessionThrough ? [target.endpoint.connection.database] : undefined;
}

/** The pooler's totals from `before` (the sighting's reading by default) to a reading now. */
export async function poolerWindowSince(
  target: Target,
  sighting: PoolerSighting | null | undefined,
  startedAt: number,
  before: PoolerFacts | undefined = sighting?.facts ?? undefined,
): Promise<{ window: PoolerWindow; facts: PoolerFacts } | undefined> {
  if (!sighting || !before) return undefined;
  const facts = await readPoolerAgain(target, sighting);
  if (!facts) return undefined;
  const window = poolerWindow(before, facts, performance.now() - startedAt, entriesWatched(target, sighting));
  return { window, facts };
}

/** Whether --db names a pooler's admin console (its database `pgbouncer`) rather than a database. */
export function isConsoleTarget(connection: Pick<ConnectionTarget, 'database'>): boolean {
  return connection.database === CONSOLE_DATABASE;
}

/** check-server --db <console>: the console itself, read as the user named it; it must answer. */
export async function readConsoleAlone(target: Target): Promise<PoolerSighting> {
  const { readPoolerFacts } = await import('../probes/pooler.js');
  const { connection, sessionOptions } = target.endpoint;
  const facts = await readPoolerFacts(connection, {
    connectTimeoutMs: sessionOptions.connectTimeoutMs,
    env: sessionOptions.env,
  });
  return {
    seenBy: 'named',
    sessionThrough: false,
    console: describeTarget(connection),
    facts,
    poolMode: null,
    unread: null,
  };
}
