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
