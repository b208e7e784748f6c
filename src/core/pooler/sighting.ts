import type { PoolerFacts, PoolMode } from './facts.js';

/**
 * The pooler between pooltune and the server, as this run found it: how pooltune knows it is there, and
 * what its admin console said, or why it was not read. Every report states it.
 */
export interface PoolerSighting {
  /**
   * `backend-pid`: the login announced a backend pid the server does not have (a pooler's own key);
   * `named`: --pooler or the plan named its admin console, or --db is that console.
   */
  readonly seenBy: 'backend-pid' | 'named';
  /** pooltune's own session went through it (or only the applications do, and --pooler named it). */
  readonly sessionThrough: boolean;
  /** The admin console, user@host:port/pgbouncer, never with a password; null when none was tried. */
  readonly console: string | null;
  /** What the console said; null when it was not read. */
  readonly facts: PoolerFacts | null;
  /** The pool mode of the pool pooltune's own session went through, when the console says. */
  readonly poolMode: PoolMode | null;
  /** Why the console was not read, in one line. */
  readonly unread: string | null;
  /** What would let pooltune read it (e.g. the user in stats_users), when known. */
  readonly unreadHint?: string | null;
}

/** What the JSON report says of the pooler: the sighting without the console's rows. */
export function sightingSummary(sighting: PoolerSighting) {
  return {
    seenBy: sighting.seenBy,
    sessionThrough: sighting.sessionThrough,
    console: sighting.console,
    product: sighting.facts?.product ?? null,
    version: sighting.facts?.version ?? null,
    poolMode: sighting.poolMode,
    unread: sighting.unread,
    unreadHint: sighting.unreadHint ?? null,
  };
}

/** "through PgBouncer 1.18.0 (transaction mode)", or what is known without its console. */
export function describeSighting(sighting: PoolerSighting): string {
  const mode = sighting.poolMode ? ` (${sighting.poolMode} mode)` : '';
  if (sighting.facts && !sighting.sessionThrough)
    return `pooler PgBouncer ${sighting.facts.version} (${sighting.facts.config.poolMode} mode by default) read at ${sighting.console ?? '?'}`;
  if (sighting.facts) return `through PgBouncer ${sighting.facts.version}${mode}`;
  return `through a pooler${mode} whose admin console was not read (see the skipped checks)`;
}
