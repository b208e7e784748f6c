import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputFileError } from '../core/errors.js';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder',
};

/** Whether a flag value names a file rather than a built-in (`oltp`, `eventcore`). */
export function looksLikePath(value: string): boolean {
  return value.includes('/') || value.includes('\\') || extname(value) !== '';
}

/**
 * Reads and parses a JSON file the user pointed at. `label` is the path as the user wrote it and `what`
 * names the file's role ("workload file"); messages show those, not the resolved path.
 */
export async function readJsonFile(file: string, label: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputFileError(label, [`cannot read the ${what} (${READ_ERRORS[code] ?? code})`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFileError(label, [`not valid JSON: ${(error as Error).message}`]);
  }
}
