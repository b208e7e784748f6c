/**
 * prometheus-community's pgbouncer_exporter, which no registry here packages: built from the Go source vendored
 * in test/vendor/pgbouncer_exporter (its README.md says what and why) with Debian's Go and Go libraries, offline,
 * and run against a harness PgBouncer.
 *
 * The build is cached in the system's temp folder, keyed by the vendored source and the Go version, so only the
 * first test run on a machine pays for it. Test files running at once may build it at the same time: each
 * builds to a name of its own and renames the result into place, which is atomic, so none ever runs half a file.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { startExporter, type TestExporter } from './exporters.js';
import type { TestPgBouncer } from './pgbouncer.js';
import { REPO_ROOT } from './paths.js';

const run = promisify(execFile);

export const EXPORTER_SOURCE = `${REPO_ROOT}test/vendor/pgbouncer_exporter`;
// One per user: a folder root made (CI) is not one another user may write its build into.
const CACHE = join(tmpdir(), `pooltune-pgbouncer-exporter-${userInfo().uid}`);
/** Debian's Go libraries; the shim folder adds the log/slog that Go 1.19 lacks. */
const GOPATH = `${EXPORTER_SOURCE}/shim:/usr/share/gocode`;

/**
 * The PgBouncer settings the exporter needs: lib/pq sends extra_float_digits at login, which PgBouncer refuses
 * unless told to ignore it (upstream's README says the same).
 */
export const EXPORTER_PGBOUNCER_SETTINGS = { ignore_startup_parameters: 'extra_float_digits' } as const;

// Module mode off (Debian's libraries are a GOPATH), no cgo (a static binary, no C compiler needed), no
// network: nothing is downloaded, whatever the environment says.
const goEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GO111MODULE: 'off',
  GOPATH,
  GOCACHE: join(CACHE, 'go-build'),
  GOFLAGS: '',
  GOPROXY: 'off',
  CGO_ENABLED: '0',
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** What the binary is built from: every vendored file's path and text, and the Go toolchain's version. */
async function buildKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await filesUnder(EXPORTER_SOURCE)) {
    hash.update(`${relative(EXPORTER_SOURCE, file)}\0`);
    hash.update(await readFile(file));
  }
  hash.update((await run('go', ['version'], { env: goEnv() })).stdout);
  return hash.digest('hex').slice(0, 16);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Builds the exporter once per source and Go version; the path of the binary. */
async function build(): Promise<string> {
  const binary = join(CACHE, `pgbouncer_exporter-${await buildKey()}`);
  if (isExecutable(binary)) return binary;
  await mkdir(CACHE, { recursive: true });
  // The folder and binary must be open to `nobody`, which runs it when the tests run as root.
  await chmod(CACHE, 0o755);
  const partial = `${binary}.${process.pid}-${randomUUID()}.partial`;
  try {
    await run('go', ['build', '-trimpath', '-o', partial, '.'], {
      cwd: EXPORTER_SOURCE,
      env: goEnv(),
      timeout: 300_000,
    });
    await chmod(partial, 0o755);
    await rename(partial, binary);
  } catch (error) {
    await rm(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`building the vendored pgbouncer_exporter failed: ${stderr || String(error)}`);
  }
  return binary;
}

let built: Promise<string> | undefined;
/** The exporter's binary, built on first use (once per test process). */
export function pgbouncerExporterBinary(): Promise<string> {
  built ??= build();
  return built;
}

/**
 * Starts the exporter on a free loopback port against `bouncer`'s admin console (started with
 * EXPORTER_PGBOUNCER_SETTINGS), as `nobody` when the tests run as root; resolves once /metrics answers.
 */
export async function startPgBouncerExporter(bouncer: TestPgBouncer): Promise<TestExporter> {
  const binary = await pgbouncerExporterBinary();
  return startExporter(
    binary,
    (port) => [`--web.listen-address=127.0.0.1:${port}`],
    { PGBOUNCER_EXPORTER_CONNECTION_STRING: `${bouncer.adminUrl()}?sslmode=disable` },
    /^pgbouncer_up /m,
  );
}
