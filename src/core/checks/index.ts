import type { Finding, Skipped } from '../findings.js';
import { checkPendingRestart, checkSessionStates } from './activity.js';
import { checkConnectionTier, checkFleetPlan, checkReservedSlots, checkSlotUsage } from './connections.js';
import { checkConnectionMemory, checkMaintenanceWorkMem, checkWorkMem } from './memory.js';
import { checkIdleInTransactionTimeout, checkIdleSessionTimeout, checkStatementTimeout } from './timeouts.js';
import type { Check, CheckContext } from './types.js';

export type { CheckContext, ServerPlan } from './types.js';

/** check-server's checks, in report order. */
export const SERVER_CHECKS: readonly Check[] = [
  checkConnectionTier,
  checkReservedSlots,
  checkSlotUsage,
  checkFleetPlan,
  checkIdleInTransactionTimeout,
  checkStatementTimeout,
  checkIdleSessionTimeout,
  checkWorkMem,
  checkMaintenanceWorkMem,
  checkConnectionMemory,
  checkSessionStates,
  checkPendingRestart,
];

export function runServerChecks(ctx: CheckContext): { findings: Finding[]; skipped: Skipped[] } {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  for (const check of SERVER_CHECKS) {
    const result = check(ctx);
    findings.push(...result.findings);
    skipped.push(...result.skipped);
  }
  return { findings, skipped };
}
