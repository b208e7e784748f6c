import { basename, extname, join, resolve } from 'node:path';
import { looksLikePath, readJsonFile } from './json-file.js';
import { echo } from '../core/echo.js';
import { UsageError } from '../core/errors.js';
import {
  BUILTIN_WORKLOADS,
  isBuiltinWorkload,
  parseWorkloadPreset,
  type WorkloadPreset,
} from '../core/workload.js';

import { packageRoot } from './package-root.js';

/** `oltp`, `batch`, `microservice`, or a path to the user's own preset file. */
export async function loadWorkload(value: string, cwd: string): Promise<WorkloadPreset> {
  if (isBuiltinWorkload(value)) {
    const preset = parseWorkloadPreset(
      await readJsonFile(join(packageRoot(), 'workloads', `${value}.json`), value, 'workload file'),
      value,
      value,
    );
    return { ...preset, origin: value };
  }
  if (value.trim() === '') {
    throw new UsageError(
      `--workload is empty; expected ${BUILTIN_WORKLOADS.join(', ')} or the path of a preset file (.json)`,
    );
  }
  if (!looksLikePath(value)) {
    throw new UsageError(
      `--workload: unknown workload '${echo(value)}'; expected ${BUILTIN_WORKLOADS.join(', ')} or the path of a preset file (.json)`,
    );
  }
  return parseWorkloadPreset(
    await readJsonFile(resolve(cwd, value), value, 'workload file'),
    value,
    basename(value, extname(value)),
  );
}
