import { appendFile, open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
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

/** The file a report is written to beside its target before it takes the target's place. */
const partialPathOf = (target: string) => `${target}.pooltune-${process.pid}.tmp`;

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
  const probe = partialPathOf(target);
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
  const partial = partialPathOf(target);
  try {
    await writeFile(partial, content);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw new UsageError(`--output: cannot write ${file} (${why(error)})`);
  }
}

/** A report written as it happens: lines appended to the partial file beside the target. */
export interface ReportSpool {
  /** The partial file: completeSpooledReport and spooledContent find the spool by it. */
  readonly path: string;
  append(text: string): Promise<void>;
  /** Closes the file and removes it: the run failed, so no report takes the target's place. */
  discard(): Promise<void>;
}

// Open spools by path. Each stays open until its report is put in place, so that what was written can
// still be read back if the folder went away meanwhile (an open file outlives its unlinked name).
const spools = new Map<string, FileHandle>();

async function closeSpool(path: string): Promise<void> {
  await spools
    .get(path)
    ?.close()
    .catch(() => undefined);
  spools.delete(path);
  await rm(path, { force: true }).catch(() => undefined);
}

/**
 * --output for a report whose lines come one at a time over a long run (monitor's samples): they go to
 * the partial file as they come, so that the run keeps none of them in memory, and the target is replaced
 * only once the summary completes them (completeSpooledReport).
 */
export async function openReportSpool(file: string, cwd: string): Promise<ReportSpool> {
  const path = partialPathOf(resolve(cwd, file));
  const fail = (error: unknown) => new UsageError(`--output: cannot write ${file} (${why(error)})`);
  let handle: FileHandle;
  try {
    // w+: written line by line, and read back only if it cannot be put in place.
    handle = await open(path, 'w+');
  } catch (error) {
    throw fail(error);
  }
  spools.set(path, handle);
  return {
    path,
    append: async (text) => {
      try {
        await handle.appendFile(text);
      } catch (error) {
        throw fail(error);
      }
    },
    discard: () => closeSpool(path),
  };
}

/** Adds `content` (the summary) to a spooled report and renames it into place. */
export async function completeSpooledReport(
  spool: string,
  file: string,
  content: string,
  cwd: string,
): Promise<void> {
  const handle = spools.get(spool);
  let linesEnd: number | undefined;
  try {
    if (!handle) throw Object.assign(new Error('spool closed'), { code: 'EBADF' });
    linesEnd = (await handle.stat()).size;
    await handle.appendFile(content);
    await handle.sync();
    await rename(spool, resolve(cwd, file));
  } catch (error) {
    // Back to the lines alone, so that spooledContent does not hand the summary back twice.
    if (handle && linesEnd !== undefined) await handle.truncate(linesEnd).catch(() => undefined);
    throw new UsageError(`--output: cannot write ${file} (${why(error)})`);
  }
  await handle.close().catch(() => undefined);
  spools.delete(spool);
}

/** A spool that could not be put in place: everything written to it, read back; then it is removed. */
export async function spooledContent(spool: string): Promise<string> {
  const handle = spools.get(spool);
  let content = '';
  if (handle) {
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(size);
      await handle.read(buffer, 0, size, 0);
      content = buffer.toString('utf8');
    } catch {
      // Nothing could be read back: the summary alone goes to stdout.
    }
  }
  await closeSpool(spool);
  return content;
}

/** GitHub Actions shows what a step appends to this file on the run's summary page. */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  try {
    await appendFile(file, `${markdown}\n`);
  } catch (error) {
    throw new UsageError(`GITHUB_STEP_SUMMARY: cannot append to ${file} (${why(error)})`);
  }
}
