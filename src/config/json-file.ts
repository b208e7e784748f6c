import { closeSync, openSync, readSync } from 'node:fs';
import { jsonErrorWithLine } from '../core/json-error.js';
import { basename, extname, resolve } from 'node:path';
import { echo } from '../core/echo.js';
import { InputFileError, UsageError } from '../core/errors.js';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
};

/**
 * Every file pooltune reads is a few kilobytes; reading stops here, so that `/dev/zero` or a huge file is
 * an error rather than a process that fills its memory.
 */
export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;

/** Whether a flag value names a file rather than a built-in (`oltp`, `eventcore`). */
export function looksLikePath(value: string): boolean {
  return value.includes('/') || value.includes('\\') || extname(value) !== '';
}

// Synchronous on purpose: these files are small, and node:fs/promises costs start-up time to load.
async function readBounded(file: string): Promise<string | 'too large'> {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_JSON_FILE_BYTES) return 'too large';
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a JSON file the user pointed at. `label` is the path as the user wrote it and `what`
 * names the file's role ("workload file"); messages show those, not the resolved path.
 */
export async function readJsonFile(file: string, label: string, what: string): Promise<unknown> {
  let text: string;
  try {
    const read = await readBounded(file);
    if (read === 'too large') {
      throw new InputFileError(echo(label, 200), [
        `the ${what} is larger than ${MAX_JSON_FILE_BYTES / 1024 / 1024}MB; expected a small JSON file`,
      ]);
    }
    text = read;
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputFileError(echo(label, 200), [`cannot read the ${what} (${READ_ERRORS[code] ?? code})`]);
  }
  // Editors on Windows may start a UTF-8 file with a byte order mark; JSON.parse does not skip it.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  if (text.trim() === '')
    throw new InputFileError(echo(label, 200), [`the ${what} is empty; expected a JSON object`]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFileError(echo(label, 200), [
      `not valid JSON: ${echo(jsonErrorWithLine((error as Error).message, text), 200)}`,
    ]);
  }
}

/** How a flag names either one of pooltune's built-ins or a JSON file of the user's. */
export interface BuiltinOrFile<T> {
  /** `--workload` */
  readonly flag: string;
  /** `workload`: the word for an unknown name. */
  readonly kind: string;
  readonly builtins: readonly string[];
  /** `preset file`: what the user's own file is called when pooltune says what it expected. */
  readonly fileNoun: string;
  /** `workload file`: what the file is called when it cannot be read. */
  readonly what: string;
  readonly builtin: (name: string) => Promise<T> | T;
  /** Validates a parsed file; `fallbackName` is the file name without its extension. */
  readonly parse: (raw: unknown, label: string, fallbackName: string) => T;
}

/** A built-in by name, else the user's file; an empty or unknown name is a usage error naming the flag. */
export async function loadBuiltinOrFile<T>(value: string, cwd: string, how: BuiltinOrFile<T>): Promise<T> {
  if (how.builtins.includes(value)) return how.builtin(value);
  const expected = `expected ${how.builtins.join(', ')} or the path of a ${how.fileNoun} (.json)`;
  if (value.trim() === '') throw new UsageError(`${how.flag} is empty; ${expected}`);
  if (!looksLikePath(value))
    throw new UsageError(`${how.flag}: unknown ${how.kind} '${echo(value)}'; ${expected}`);
  const raw = await readJsonFile(resolve(cwd, value), value, how.what);
  return how.parse(raw, value, basename(value, extname(value)));
}
