import { plural } from './plural.js';
/**
 * The database's CPU as a bound on useful concurrency: the PostgreSQL wiki's (cores × 2) + effective spindles
 * for the connections actually running queries at once. Pools that add up to far more than that do not make
 * the database faster; the extra queries share the cores and every one of them takes longer.
 */
import type { Finding } from './findings.js';
import { CONNECTIONS_PER_CORE, CPU_BOUND_FACTOR } from './guide.js';

export interface DatabaseHardware {
  /** The database server's physical cores (not hyperthreads): SQL cannot read them, so the user says. */
  readonly cores: number;
  /** Effective spindles: 0 when the working set is cached, nearer the disk count as the hit rate falls. */
  readonly spindles: number;
}

export { CPU_BOUND_FACTOR };

export function activeConnectionBound(hardware: DatabaseHardware): number {
  return hardware.cores * CONNECTIONS_PER_CORE + hardware.spindles;
}

/**
 * Compares the fleet's total pool size (and, when known, its mean busy connections) with the CPU bound.
 * `busyConnections` comes from traffic: if even the average exceeds the bound, the server is the bottleneck.
 */
export function cpuBoundFinding(
  hardware: DatabaseHardware,
  totalConnections: number,
  busyConnections?: number,
): Finding {
  const bound = activeConnectionBound(hardware);
  const formula = `(${hardware.cores} cores × ${CONNECTIONS_PER_CORE}) + ${hardware.spindles} spindle${hardware.spindles === 1 ? '' : 's'} = ${bound}`;
  const observed =
    `${totalConnections} pool connections across the fleet` +
    (busyConnections === undefined ? '' : `, ${Math.round(busyConnections * 100) / 100} busy on average`);
  const expected = `at most ${CPU_BOUND_FACTOR * bound} (${CPU_BOUND_FACTOR} × ${formula}) able to run queries at once`;
  if (busyConnections !== undefined && busyConnections > bound) {
    return {
      id: 'cpu-saturated',
      severity: 'warning',
      title: `The traffic keeps ${plural(Math.round(busyConnections * 100) / 100, 'connection')} busy on average, more than the ${bound} the database's cores can serve well: the server, not the pool, is the bottleneck, and hold times will grow`,
      observed,
      expected: `busy connections at most ${formula}`,
    };
  }
  if (totalConnections > CPU_BOUND_FACTOR * bound) {
    return {
      id: 'cpu-bound',
      severity: 'warning',
      title: `The fleet's pools could run ${totalConnections} queries at once, over ${CPU_BOUND_FACTOR} × the ${bound} the database's cores can serve well (${formula})`,
      observed,
      expected,
    };
  }
  return {
    id: 'cpu-bound',
    severity: totalConnections > bound ? 'info' : 'ok',
    title:
      totalConnections > bound
        ? `The fleet's ${totalConnections} pool connections are over the CPU bound ${formula}, but within ${CPU_BOUND_FACTOR} × it: fine while they are rarely all busy at once`
        : `The fleet's ${totalConnections} pool connections are within the CPU bound ${formula}`,
    observed,
    expected,
  };
}
