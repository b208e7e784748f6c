import { appendFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'its folder does not exist'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a folder'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR'
            ? 'a part of its path is not a folder'
            : code === 'ENOSPC'
              ? 'no space left on the device'
              : (code ?? 'error');
}

/**
 * --output, before anything is measured: a run of ten minutes must not end in a report that cannot be
 * written. The folder must exist and take a file (a file is created beside the target and removed, which
 * also finds read-only file systems that permissions do not show); the target must not be a folder.
 */
export async function checkReportFile(file: string, cwd: string): Promise<void> {
  const target = resolve(cwd, file);
  const folder = dirname(target);
  const fail = (reason: string) => new UsageError(`--output: cannot write ${file} (${reason})`);
  const folderStat = await stat(folder).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (folderStat instanceof Error)
    throw fail(folderStat.code === 'ENOENT' ? 'its folder does not exist' : why(folderStat));
  if (!folderStat.isDirectory()) throw fail(`${dirname(file)} is not a folder`);
  const targetStat = await stat(target).catch(() => undefined);
  if (targetStat?.isDirectory()) throw fail('it is a folder');
  const probe = `${target}.pooltune-${process.pid}.tmp`;
  try {
    await writeFile(probe, '');
  } catch (error) {
    throw fail(why(error));
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
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
