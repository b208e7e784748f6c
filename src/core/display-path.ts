import { isAbsolute, relative, sep } from 'node:path';

/**
 * A file as a message names it: relative to the working directory when it lies inside it or directly in
 * one of its parent folders (`../pooltune.config.json`, the nearest plan); absolute when the relative path
 * would climb out and back down into another branch (`/dev/null`, not `../../../dev/null`).
 */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  if (rel === '' || isAbsolute(rel)) return file;
  const parts = rel.split(sep);
  const climbs = parts.filter((part) => part === '..').length;
  if (climbs === 0) return rel;
  const inAncestor = parts.length === climbs + 1 && parts.slice(0, climbs).every((part) => part === '..');
  return inAncestor ? rel : file;
}
