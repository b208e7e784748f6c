import { isAbsolute, relative } from 'node:path';

/**
 * A file as a message names it: relative to the working directory when it lies inside it, absolute
 * otherwise (`/dev/null`, not `../../../dev/null`).
 */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return file;
  return rel;
}
