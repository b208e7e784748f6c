import type { Load } from './load.js';
import { measure, RequestLog, type BenchMeasurement, type MeasurementInput } from './measurement.js';
import type { PoolSample } from './measurement.js';
import type { RequestLogData } from './measurement.js';

/**
 * `bench --instances N`: N application instances, each with its own pool, share the load as a fleet behind
 * a load balancer does. Pure: splitting the load, and measuring the fleet from its instances' requests.
 */

/**
 * Each instance's share of the load. A closed loop's clients are dealt out as evenly as they go (the first
 * instances take one more when they do not divide); an open loop's rate is split evenly: N independent
 * Poisson streams of rate/N add up to one Poisson stream of the whole rate.
 */
export function splitLoad(load: Load, instances: number): Load[] {
  if (!(Number.isInteger(instances) && instances >= 1)) throw new RangeError(`instances: ${instances}`);
  return Array.from({ length: instances }, (_, i) => {
    const { arrivals } = load;
    if (arrivals.kind === 'open')
      return { ...load, arrivals: { kind: 'open', ratePerSecond: arrivals.ratePerSecond / instances } };
    const clients = Math.floor(arrivals.clients / instances) + (i < arrivals.clients % instances ? 1 : 0);
    return { ...load, arrivals: { kind: 'closed', clients } };
  });
}

/** What one instance measured, as plain data (from its worker thread). */
export type InstanceInput = Omit<MeasurementInput, 'log'> & { readonly log: RequestLogData };

/** The instances' pool counters added up, sample by sample (each instance samples on its own clock). */
function addedSamples(instances: readonly InstanceInput[]): PoolSample[] {
  const length = Math.min(...instances.map((i) => i.samples.length));
  return Array.from({ length }, (_, k) => {
    const at = instances.map((i) => i.samples[k]);
    const sum = (pick: (s: PoolSample) => number) => at.reduce((n, s) => n + (s ? pick(s) : 0), 0);
    return {
      atMs: at[0]?.atMs ?? 0,
      total: sum((s) => s.total),
      idle: sum((s) => s.idle),
      waiting: sum((s) => s.waiting),
    };
  });
}

export interface FleetMeasurement {
  readonly fleet: BenchMeasurement;
  readonly instances: readonly BenchMeasurement[];
}

/**
 * The fleet from every instance's requests: its percentiles are over all of them, not an average of the
 * instances' percentiles. The instances run in threads of one process, whose CPU time Node 20 cannot tell
 * apart by thread: each instance reads the whole process's, so the fleet takes the largest reading, and
 * each instance is charged its share of it by the requests it completed.
 */
export function measureFleet(instances: readonly InstanceInput[]): FleetMeasurement {
  if (instances.length === 0) throw new RangeError('a fleet of no instances');
  const completed = instances.map((i) => i.log.lag.length);
  const all = completed.reduce((n, c) => n + c, 0);
  const cpuMicros = Math.max(...instances.map((i) => i.cpuMicros));
  const open = instances.every((i) => i.offeredPerSecond !== null);
  const fleet = measure({
    log: RequestLog.merged(instances.map((i) => i.log)),
    windowMs: Math.max(...instances.map((i) => i.windowMs)),
    offeredPerSecond: open ? instances.reduce((n, i) => n + (i.offeredPerSecond ?? 0), 0) : null,
    scheduled: instances.reduce((n, i) => n + i.scheduled, 0),
    samples: addedSamples(instances),
    peakWaiting: instances.reduce((n, i) => n + (i.peakWaiting ?? 0), 0),
    cpuMicros,
    // The busiest instance's event loop: the one that would fall behind first.
    eventLoopUtilisation: Math.max(...instances.map((i) => i.eventLoopUtilisation)),
  });
  return {
    fleet,
    instances: instances.map((input, k) =>
      measure({
        ...input,
        log: RequestLog.merged([input.log]),
        cpuMicros: all > 0 ? (cpuMicros * (completed[k] ?? 0)) / all : 0,
      }),
    ),
  };
}
