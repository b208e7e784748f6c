import { existsSync } from 'node:fs';
import { displayPath } from '../core/display-path.js';
import { dirname, join, resolve } from 'node:path';
import { echo } from '../core/echo.js';
import { InputFileError, PooltuneError, UsageError } from '../core/errors.js';
import type { FailOn } from '../core/findings.js';
import { CONFIG_FILE_NAME, parsePlanConfig, type PlanConfig, type ServicePlan } from '../core/plan/config.js';
import { DEFAULT_WORKLOAD } from '../core/workload.js';
import { looksLikePath, readJsonFile } from './json-file.js';

/** The nearest pooltune.config.json from `cwd` upwards, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `--config <file>` (which must exist), else the nearest pooltune.config.json, else no plan. Messages name
 * the file relative to the working directory.
 */
export async function loadPlan(configFlag: string | undefined, cwd: string): Promise<PlanConfig | undefined> {
  if (configFlag !== undefined && configFlag.trim() === '')
    throw new UsageError(`--config is empty; expected the path of a ${CONFIG_FILE_NAME} file`);
  const file = configFlag === undefined ? findConfigFile(cwd) : resolve(cwd, configFlag);
  if (file === undefined) return undefined;
  if (configFlag !== undefined && !existsSync(file))
    throw new UsageError(`--config: no such file ${echo(configFlag)}`);
  const label = displayPath(cwd, file);
  return parsePlanConfig(await readJsonFile(file, label, 'config file'), label);
}

/**
 * The nearest plan for a run that did not ask for one (no --config, no --service): a plan that cannot be
 * read or is invalid must not fail a run that would only have borrowed defaults from it, so its problem
 * comes back as one line for a warning, and the run goes on without it.
 */
export async function loadUnaskedPlan(
  cwd: string,
): Promise<{ plan: PlanConfig | undefined; problem?: string }> {
  try {
    return { plan: await loadPlan(undefined, cwd) };
  } catch (error) {
    if (!(error instanceof PooltuneError)) throw error;
    const head = error.message.split('\n')[0] ?? '';
    const first =
      error instanceof InputFileError && error.problems.length > 1
        ? ` (the first: ${error.problems[0]})`
        : '';
    return { plan: undefined, problem: `${head}${first}` };
  }
}

/** The plan that --service names a service of; without one, --service is a usage error. */
export function planForService(plan: PlanConfig | undefined): PlanConfig {
  if (plan) return plan;
  throw new UsageError(
    `--service needs a pool plan: ${CONFIG_FILE_NAME} in this folder or above, or --config <file>`,
  );
}

/** The service --service names, or a usage error that lists the plan's services. */
export function findService(plan: PlanConfig, name: string): ServicePlan {
  const service = plan.services.find((s) => s.name === name);
  if (service) return service;
  const names = plan.services.map((s) => s.name).join(', ') || 'none';
  throw new UsageError(`--service: no service "${name}" in ${plan.file} (services: ${names})`);
}

/** --fail-on from the command line or POOLTUNE_FAIL_ON beats the plan's failOn, which beats the default. */
export function failOnWithPlan(
  options: { failOn: FailOn; failOnGiven: boolean },
  plan: PlanConfig | undefined,
): FailOn {
  return options.failOnGiven ? options.failOn : (plan?.failOn ?? options.failOn);
}

/** A service's workload: its own, else the plan's default, else oltp. preflight and recommend agree on it. */
export function serviceWorkload(plan: PlanConfig, service: ServicePlan): string {
  return service.workload ?? plan.workload ?? DEFAULT_WORKLOAD;
}

/** A service's workload path is relative to the config file, like every path in it. */
export function resolvePlanPath(plan: PlanConfig, value: string, cwd: string): string {
  return looksLikePath(value) ? resolve(cwd, dirname(plan.file), value) : value;
}
