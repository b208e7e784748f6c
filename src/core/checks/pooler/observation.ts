import type { Skipped } from '../../findings.js';
import type { PoolerFacts } from '../../pooler/facts.js';
import type { PoolerWindow } from '../../pooler/window.js';
import type { PlannedService } from '../../plan/server.js';
import type { PoolerSighting } from '../../pooler/sighting.js';
import type { ServerFacts } from '../../server-facts.js';
import type { PoolerObservation } from '../input.js';

/**
 * The pooler family's part of a run's input: present only when the pooler's admin console was read (a
 * pooler seen but not read has nothing to judge; the report says why it was not read).
 */
export function poolerObservation(
  sighting: PoolerSighting | null | undefined,
  instances: number,
  server: ServerFacts | undefined,
  services: readonly PlannedService[],
): PoolerObservation | undefined {
  if (!sighting?.facts) return undefined;
  return { facts: sighting.facts, instances, ...(server ? { server } : {}), services };
}

/**
 * A pooler seen but whose console could not be read: the chain's checks are skipped, with the reason and
 * what would let them run.
 */
export function unreadPooler(sighting: PoolerSighting | null | undefined): Skipped[] {
  if (!sighting || sighting.facts) return [];
  return [
    {
      id: 'pooler-server-connections',
      reason: `the pooler's admin console was not read (${sighting.unread ?? 'not tried'}), so its pools, limits, timeouts and queue are not judged`,
      enableWith:
        sighting.unreadHint ??
        "--pooler <admin console URL> as a user listed in PgBouncer's stats_users (read-only SHOW commands)",
    },
  ];
}

/**
 * The chain as its console showed it after a window pooltune watched (health's probe, a bench run), judged
 * over PgBouncer's totals for that window; unchanged when the console did not answer the second time.
 */
export function overWindow(
  chain: PoolerObservation | undefined,
  after: { readonly facts: PoolerFacts; readonly window: PoolerWindow } | undefined,
): PoolerObservation | undefined {
  return chain && after ? { ...chain, facts: after.facts, window: after.window } : chain;
}
