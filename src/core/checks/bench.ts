import { plural } from '../plural.js';
import type { Finding } from '../findings.js';
import {
  ACQUISITION_EXCELLENT_MS,
  ACQUISITION_POOR_MS,
  acquisitionRating,
  LOAD_GENERATOR_LIMITS,
  TIMEOUT_RATE_LIMIT,
} from '../guide.js';
import type { Load } from '../bench/load.js';
import type { BenchMeasurement } from '../bench/measurement.js';
import type { PoolUnderTest } from '../bench/pool.js';
import { formatMeasuredMs } from '../units.js';
import { queryLatencyFinding } from './query-latency.js';
import { defineFamily } from './registry.js';
import { outcome } from './types.js';

const ms = formatMeasuredMs;
const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

function waitFindings(m: BenchMeasurement): Finding[] {
  if (m.completed === 0) return [];
  const rating = acquisitionRating(m.acquire.meanMs);
  return [
    {
      id: 'acquisition-wait',
      severity: rating === 'poor' ? 'warning' : 'ok',
      title: `Getting a connection took ${ms(m.acquire.meanMs)} on average (p99 ${ms(m.acquire.p99Ms)}); ${percent(m.waitedShare)} of requests found no idle connection: ${rating}`,
      observed: `p50 ${ms(m.acquire.p50Ms)}, p95 ${ms(m.acquire.p95Ms)}, p99 ${ms(m.acquire.p99Ms)}, max ${ms(m.acquire.maxMs)} over ${m.completed} requests`,
      expected: `a mean under ${ACQUISITION_EXCELLENT_MS}ms is excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor`,
    },
  ];
}

function timeoutFindings(m: BenchMeasurement, pool: PoolUnderTest): Finding[] {
  if (m.timeouts === 0) return [];
  return [
    {
      id: 'acquisition-timeouts',
      severity: m.timeoutRate > TIMEOUT_RATE_LIMIT ? 'critical' : 'warning',
      title: `${m.timeouts} requests gave up waiting for a connection after ${ms(pool.acquireTimeoutMs)} (${percent(m.timeoutRate)} of requests): the pool is too small for this load`,
      observed: `${m.timeouts} acquisition timeouts, ${Math.round((m.timeouts / m.windowMs) * 1000 * 10) / 10} per second`,
      expected: `under ${TIMEOUT_RATE_LIMIT * 100} % of requests`,
    },
  ];
}

function errorFindings(m: BenchMeasurement): Finding[] {
  if (m.errors === 0) return [];
  const codes = Object.entries(m.errorCodes)
    .map(([code, n]) => `${code} × ${n}`)
    .join(', ');
  return [
    {
      id: 'request-errors',
      severity: 'warning',
      title: `${m.errors} request${m.errors === 1 ? '' : 's'} failed (SQLSTATE ${codes})`,
    },
  ];
}

/**
 * Open loop: when the arrivals need at least as many busy connections as the pool has, no pool size
 * setting below that can keep up: the queue grows for as long as the load lasts.
 */
function saturationFindings(m: BenchMeasurement, pool: PoolUnderTest, load: Load): Finding[] {
  if (load.arrivals.kind !== 'open' || m.completed === 0) return [];
  const needed = (load.arrivals.ratePerSecond * m.query.meanMs) / 1000;
  if (needed < pool.maxConnections) return [];
  return [
    {
      id: 'pool-saturated',
      severity: 'critical',
      title: `The load keeps ${plural(Math.round(needed * 10) / 10, 'connection')} busy on average but the pool has ${pool.maxConnections}: requests queue up for as long as it lasts`,
      observed: `${load.arrivals.ratePerSecond} requests/s × ${ms(m.query.meanMs)} per query`,
      expected: `fewer than ${pool.maxConnections} busy connections`,
    },
  ];
}

/**
 * The query's own time, judged as health judges its round trips. A --hold-ms load is left out: its time is
 * the pg_sleep it was asked for, not the server's answer.
 */
function latencyFindings(m: BenchMeasurement, load: Load): Finding[] {
  if (load.work.kind === 'hold' || m.completed === 0) return [];
  return [queryLatencyFinding(m.query, 'requests')];
}

function clientFindings(m: BenchMeasurement): Finding[] {
  if (!m.client.fellBehind) return [];
  const busy = `its event loop was ${Math.round(m.client.eventLoopUtilisation * 100)} % busy`;
  const title =
    m.client.sentShare < LOAD_GENERATOR_LIMITS.minSentShare
      ? `pooltune sent only ${percent(m.client.sentShare)} of the requests due (${busy}): the load was lighter than asked, so these waits understate what that rate would cause`
      : `pooltune sent requests late (p99 ${ms(m.lag.p99Ms)} after they were due; ${busy}): arrivals bunched up more than the rate asks for, so the waits are less exact`;
  return [
    {
      id: 'load-generator-behind',
      severity: 'warning',
      title,
      observed: `${m.throughputPerSecond} requests/s done of ${m.offeredPerSecond ?? '?'} asked; sent late p99 ${ms(m.lag.p99Ms)}`,
      expected: `requests sent within ${LOAD_GENERATOR_LIMITS.lagP99Ms}ms of when they are due`,
    },
  ];
}

/** bench's family: the guide's thresholds over one configuration's run. */
export const benchChecks = defineFamily('bench', [
  { id: 'acquisition-wait', run: ({ measurement }) => outcome(waitFindings(measurement)) },
  { id: 'acquisition-timeouts', run: ({ measurement, pool }) => outcome(timeoutFindings(measurement, pool)) },
  {
    id: 'pool-saturated',
    run: ({ measurement, pool, load }) => outcome(saturationFindings(measurement, pool, load)),
  },
  { id: 'query-latency', run: ({ measurement, load }) => outcome(latencyFindings(measurement, load)) },
  { id: 'request-errors', run: ({ measurement }) => outcome(errorFindings(measurement)) },
  { id: 'load-generator-behind', run: ({ measurement }) => outcome(clientFindings(measurement)) },
]);
