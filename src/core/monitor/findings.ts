import type { MonitorContext } from '../checks/input.js';
import { monitorChecks } from '../checks/monitor.js';
import { runChecks, type CheckResult } from '../checks/registry.js';
import type { MonitorSummary } from './summary.js';

export type { MonitorContext } from '../checks/input.js';
export { clockTime } from './clock.js';

/**
 * The guide's thresholds over the whole run: the peak decides, and the finding says when and for how long.
 * @deprecated runChecks([monitorChecks], { monitor: { summary, context } }, settings) from core/checks.
 */
export function evaluateMonitor(summary: MonitorSummary, context: MonitorContext): CheckResult {
  return runChecks(
    [monitorChecks],
    { monitor: { summary, context } },
    {
      idleInTransactionMs: context.idleInTransactionThresholdMs,
    },
  );
}
