import { join } from 'node:path';
import {
  BUILTIN_WORKLOADS,
  builtinWorkloadPreset,
  parseWorkloadPreset,
  type BuiltinWorkload,
  type WorkloadPreset,
} from '../core/workload.js';
import { loadBuiltinOrFile, readJsonFile } from './json-file.js';
import { packageRoot } from './package-root.js';

/** `oltp`, `batch`, `microservice`, or a path to the user's own preset file. */
export async function loadWorkload(value: string, cwd: string): Promise<WorkloadPreset> {
  return loadBuiltinOrFile(value, cwd, {
    flag: '--workload',
    kind: 'workload',
    builtins: BUILTIN_WORKLOADS,
    fileNoun: 'preset file',
    what: 'workload file',
    builtin: async (name) => {
      const raw = await readJsonFile(join(packageRoot(), 'workloads', `${name}.json`), name, 'workload file');
      return builtinWorkloadPreset(raw, name as BuiltinWorkload);
    },
    parse: parseWorkloadPreset,
  });
}
