import { benchChecks } from '../checks/bench.js';
import { runChecks } from '../checks/registry.js';
import type { Finding } from '../findings.js';
import type { Load } from './load.js';
import type { BenchMeasurement } from './measurement.js';
import type { PoolUnderTest } from './pool.js';

/**
 * The guide's thresholds over one configuration's run.
 * @deprecated runChecks([benchChecks], { bench: { measurement, pool, load } }) from core/checks.
 */
export function evaluateBench(measurement: BenchMeasurement, pool: PoolUnderTest, load: Load): Finding[] {
  return runChecks([benchChecks], { bench: { measurement, pool, load } }).findings;
}
