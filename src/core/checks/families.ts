/**
 * The check registry: every family, and the compositions the commands run. A command names the families it
 * runs; the input it observed decides which of them have something to judge.
 */
import { benchChecks } from './bench.js';
import { healthChecks } from './health.js';
import type { CheckInput, CheckSettings } from './input.js';
import { monitorChecks } from './monitor.js';
import { planChecks } from './plan.js';
import { poolerChecks } from './pooler.js';
import { runChecks, type CheckFamily, type CheckResult } from './registry.js';
import { schemaChecks } from './schema.js';
import { serverChecks } from './server.js';
import { sessionChecks } from './sessions.js';
import { sizingChecks } from './sizing.js';
import { standbyChecks } from './standby.js';

export {
  benchChecks,
  healthChecks,
  monitorChecks,
  planChecks,
  poolerChecks,
  schemaChecks,
  serverChecks,
  sessionChecks,
  sizingChecks,
  standbyChecks,
};

/** Every family, in the order their findings are reported when several run. */
export const CHECK_FAMILIES: readonly CheckFamily[] = [
  planChecks,
  serverChecks,
  standbyChecks,
  poolerChecks,
  sessionChecks,
  healthChecks,
  schemaChecks,
  monitorChecks,
  benchChecks,
  sizingChecks,
];

/**
 * health: the probes' checks, the standby's (replay paused or behind), the sessions', the pooler's when one
 * was read, then the schema's when --schema asked for it.
 */
export const HEALTH_FAMILIES: readonly CheckFamily[] = [
  healthChecks,
  standbyChecks,
  sessionChecks,
  poolerChecks,
  schemaChecks,
];

/**
 * check-server: the plan (when there is one), the server's settings and usage, its place in replication,
 * the pooler in front of it (when its admin console was read), and the server's sessions.
 */
export const CHECK_SERVER_FAMILIES: readonly CheckFamily[] = [
  planChecks,
  serverChecks,
  standbyChecks,
  poolerChecks,
  sessionChecks,
];

/**
 * preflight: check-server's families and health's. Where both judge the same thing, the health check says
 * which server check supersedes it (utilisation gives way to slot usage), so nothing is reported twice.
 */
export const PREFLIGHT_FAMILIES: readonly CheckFamily[] = [...CHECK_SERVER_FAMILIES, healthChecks];

/** preflight's checks over what it observed; without `health` (--no-health) the probes' checks do not run. */
export function runPreflightChecks(
  input: Pick<CheckInput, 'plan' | 'server' | 'health' | 'sessions' | 'pooler' | 'standby'>,
  settings?: CheckSettings,
): CheckResult {
  return runChecks(PREFLIGHT_FAMILIES, input, settings);
}
