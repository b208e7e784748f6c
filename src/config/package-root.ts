import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder of pooltune's own package.json. Walking up from this module works the same from the tsc
 * output (dist/src/config/) and from the start-up bundle (dist/bundle/).
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'workloads'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the pooltune package folder (package.json beside workloads/)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
