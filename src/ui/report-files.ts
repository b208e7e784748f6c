import { appendFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'its folder does not exist'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a folder'
        : (code ?? 'error');
}

/**
 * --output: the whole report, replacing the file. Written beside it and renamed into place, so that a
 * signal or a full disk never leaves half a report where CI would read it.
 */
export async function writeReportFile(file: string, content: string, cwd: string): Promise<void> {
  const target = resolve(cwd, file);
  const partial = `${target}.pooltune-${process.pid}.tmp`;
  try {
    await writeFile(partial, content);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw new UsageError(`--output: cannot write ${file} (${why(error)})`);
  }
}

/** GitHub Actions shows what a step appends to this file on the run's summary page. */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  try {
    await appendFile(file, `${markdown}\n`);
  } catch (error) {
    throw new UsageError(`GITHUB_STEP_SUMMARY: cannot append to ${file} (${why(error)})`);
  }
}
