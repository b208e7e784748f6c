import type { PoolerSighting } from '../core/pooler/sighting.js';
import type { SessionRoute } from '../core/server-facts.js';

/**
 * The pooler in front of the target, if the session saw one: by the backend pid the login announced. Its
 * admin console is read where it can be; otherwise the sighting says why not.
 */
export async function sightPooler(route: SessionRoute): Promise<PoolerSighting | null> {
  if (!route.throughPooler) return null;
  return {
    seenBy: 'backend-pid',
    console: null,
    facts: null,
    poolMode: null,
    unread: 'no admin console was tried',
  };
}
