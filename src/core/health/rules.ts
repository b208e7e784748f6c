import { healthChecks } from '../checks/health.js';
import type { CheckSettings } from '../checks/input.js';
import { runChecks, type CheckResult } from '../checks/registry.js';
import { GUIDE_CHECK_SETTINGS } from '../checks/input.js';
import type { HealthMetrics } from './metrics.js';

export { acquisitionRating, CHURN_PER_SECOND_LIMIT } from '../guide.js';

export type HealthThresholds = CheckSettings;
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = GUIDE_CHECK_SETTINGS;

/**
 * The guide's health thresholds over what the probes measured.
 * @deprecated runChecks([healthChecks], { health: metrics }, settings) from core/checks; kept until the commands move.
 */
export function evaluateHealth(
  metrics: HealthMetrics,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): CheckResult {
  return runChecks([healthChecks], { health: metrics }, thresholds);
}
