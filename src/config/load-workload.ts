import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { InputFileError, UsageError } from '../core/errors.js';
import {
  BUILTIN_WORKLOADS,
  isBuiltinWorkload,
  parseWorkloadPreset,
  type WorkloadPreset,
} from '../core/workload.js';

import { packageRoot } from './package-root.js';

function looksLikePath(value: string): boolean {
  return value.includes('/') || value.includes('\\') || extname(value) !== '';
}

/** `label` is the path as the user wrote it; error messages show that, not the resolved path. */
async function readJson(file: string, label: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a folder'
            : code;
    throw new InputFileError(label, [`cannot read the workload file (${why})`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFileError(label, [`not valid JSON: ${(error as Error).message}`]);
  }
}

/** `oltp`, `batch`, `microservice`, or a path to the user's own preset file. */
export async function loadWorkload(value: string, cwd: string): Promise<WorkloadPreset> {
  if (isBuiltinWorkload(value)) {
    const preset = parseWorkloadPreset(
      await readJson(join(packageRoot(), 'workloads', `${value}.json`), value),
      value,
      value,
    );
    return { ...preset, origin: value };
  }
  if (!looksLikePath(value)) {
    throw new UsageError(
      `--workload: unknown workload '${value}'; expected ${BUILTIN_WORKLOADS.join(', ')} or the path of a preset file (.json)`,
    );
  }
  return parseWorkloadPreset(
    await readJson(resolve(cwd, value), value),
    value,
    basename(value, extname(value)),
  );
}
