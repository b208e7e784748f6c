import { readFileSync } from 'node:fs';
import { parseWorkloadPreset, type WorkloadPreset } from '../../src/core/workload.js';
import { REPO_ROOT } from './paths.js';

/** A built-in preset read straight from workloads/, for pure tests. */
export function builtinPreset(name: 'oltp' | 'batch' | 'microservice'): WorkloadPreset {
  const raw: unknown = JSON.parse(readFileSync(`${REPO_ROOT}workloads/${name}.json`, 'utf8'));
  return parseWorkloadPreset(raw, name, name);
}
