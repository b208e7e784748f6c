/** What the pooler checks share: the app fleet in front of PgBouncer and PgBouncer's units. */
import type { PlannedService } from '../../plan/server.js';
import { formatDuration } from '../../units.js';

/** Σ instances × maxConnections: the client connections the whole fleet may open at peak. */
export function fleetConnections(services: readonly PlannedService[]): number {
  return services.reduce((n, { service }) => n + service.instances * service.pool.maxConnections, 0);
}

/** "api 2 × 20 = 40, worker 1 × 5 = 5" */
export function fleetTerms(services: readonly PlannedService[]): string {
  return services
    .map(
      ({ service: s }) =>
        `${s.name} ${s.instances} × ${s.pool.maxConnections} = ${s.instances * s.pool.maxConnections}`,
    )
    .join(', ');
}

/** A PgBouncer time setting as pgbouncer.ini takes it: seconds. */
export function iniSeconds(ms: number): string {
  return String(Math.round(ms / 10) / 100);
}

/** A PgBouncer time setting in words: "10min", or "0 (off)". */
export function pgbouncerTime(ms: number): string {
  return ms === 0 ? '0 (off)' : formatDuration(ms);
}

/** "1 pool", "3 pools" */
export const pools = (n: number) => `${n} pool${n === 1 ? '' : 's'}`;
