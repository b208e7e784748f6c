// Checks, before any test runs, that the system tools the test suite drives are on this machine. On Debian
// as root it installs what is missing (apt-get update, then apt-get install -y); anywhere else it stops at
// once with one line per missing tool saying how to get it, so that a missing tool never surfaces as a
// failure deep inside a test. `npm test` runs it first.
//
// To make the suite depend on a new tool, add one line to TOOLS; for a package with no command (a library), name
// a folder it installs instead.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * command: what the tests run; debian: the package that provides it; usedFor: why the suite needs it;
 * alsoIn: folders looked in after PATH ('~' is the home folder); otherwise: how to get it without apt-get.
 * A library has no command: folder, an absolute path the package installs, stands for it.
 */
// The Go libraries that test/vendor/pgbouncer_exporter builds with, in Debian's GOPATH (their own
// dependencies come with them).
const GOCODE = '/usr/share/gocode/src';
const forExporter = 'building the vendored pgbouncer_exporter for the pgbouncer-exporter alert rules';

export const TOOLS = [
  { command: 'jq', debian: 'jq', usedFor: 'checking JSON output' },
  { command: 'script', debian: 'bsdutils', usedFor: 'a pseudo-terminal for the wizard tests' },
  { command: 'openssl', debian: 'openssl', usedFor: 'certificates for the TLS tests' },
  {
    command: 'rustc',
    debian: 'rustc',
    usedFor: 'compiling the emitted Rust',
    // rustup installs into ~/.cargo/bin, which a non-login shell does not have on PATH.
    alsoIn: ['~/.cargo/bin', '/usr/bin'],
    otherwise: 'or rustup from https://rustup.rs',
  },
  {
    command: 'pgbouncer',
    debian: 'pgbouncer',
    usedFor: 'a real connection pooler in front of the test servers',
    // Debian installs it in /usr/sbin, which a non-root PATH usually lacks.
    alsoIn: ['/usr/sbin'],
  },
  { command: 'promtool', debian: 'prometheus', usedFor: 'checking and unit-testing the alert rules' },
  {
    command: 'prometheus-postgres-exporter',
    debian: 'prometheus-postgres-exporter',
    usedFor: 'the series names the postgres-exporter alert rules read',
  },
  { command: 'go', debian: 'golang-go', usedFor: forExporter },
  {
    folder: `${GOCODE}/github.com/prometheus/client_golang/prometheus/promhttp`,
    debian: 'golang-github-prometheus-client-golang-dev',
    usedFor: forExporter,
  },
  { folder: `${GOCODE}/github.com/lib/pq`, debian: 'golang-github-lib-pq-dev', usedFor: forExporter },
  {
    command: 'chromium',
    debian: 'chromium',
    usedFor: 'opening --format html reports in a real browser, driven by playwright-core',
  },
];

/** The folders a tool is looked for in: PATH's, then its own extra ones. */
export function searchDirs(tool, env) {
  const onPath = (env.path ?? '').split(delimiter).filter((dir) => dir !== '');
  const extra = (tool.alsoIn ?? []).map((dir) => (dir.startsWith('~') ? env.home + dir.slice(1) : dir));
  return [...onPath, ...extra];
}

/**
 * Where the tool is, or undefined; `isExecutable` is the only look at the file system. A library's folder is
 * there when it can be entered, which is what the execute check asks of a folder.
 */
export function locate(tool, env, isExecutable) {
  if (tool.folder !== undefined) return isExecutable(tool.folder) ? tool.folder : undefined;
  return searchDirs(tool, env)
    .map((dir) => join(dir, tool.command))
    .find((file) => isExecutable(file));
}

/** The tools that are not found. */
export function missingTools(tools, env, isExecutable) {
  return tools.filter((tool) => locate(tool, env, isExecutable) === undefined);
}

/** One line per missing tool: its name, why the tests need it, and how to install it. */
export function missingLines(missing) {
  return missing.map(
    (tool) =>
      `missing test tool: ${tool.command ?? tool.folder} (${tool.usedFor}); install it with: sudo apt-get install ${tool.debian}` +
      (tool.otherwise ? `, ${tool.otherwise}` : ''),
  );
}

/** Whether this machine can install the tools itself: root with apt-get. */
export function canInstall(isRoot, hasAptGet) {
  return isRoot && hasAptGet;
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function currentEnv() {
  return { path: process.env.PATH, home: homedir() };
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

function main() {
  let missing = missingTools(TOOLS, currentEnv(), isExecutable);
  if (missing.length === 0) return 0;
  const isRoot = process.getuid?.() === 0;
  const hasAptGet = locate({ command: 'apt-get' }, currentEnv(), isExecutable) !== undefined;
  if (canInstall(isRoot, hasAptGet)) {
    const packages = [...new Set(missing.map((tool) => tool.debian))];
    console.error(`test tools: installing ${packages.join(' ')} (apt-get)`);
    if (apt(['update', '-qq'])) apt(['install', '-y', '-qq', ...packages]);
    missing = missingTools(TOOLS, currentEnv(), isExecutable);
    if (missing.length === 0) return 0;
  }
  for (const line of missingLines(missing)) console.error(line);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
