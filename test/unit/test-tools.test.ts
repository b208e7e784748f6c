/**
 * scripts/test-tools.js, which `npm test` runs before any test: which system tools are missing for a given
 * PATH and home folder, and the one line it prints for each. The file system is a set of paths here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/paths.js';

interface Tool {
  readonly command?: string;
  /** A library's folder, for a package with no command. */
  readonly folder?: string;
  readonly debian: string;
  readonly usedFor: string;
  readonly alsoIn?: readonly string[];
  readonly otherwise?: string;
}
interface Env {
  readonly path: string | undefined;
  readonly home: string;
}
interface TestTools {
  readonly TOOLS: readonly Tool[];
  missingTools(tools: readonly Tool[], env: Env, isExecutable: (file: string) => boolean): Tool[];
  missingLines(missing: readonly Tool[]): string[];
  canInstall(isRoot: boolean, hasAptGet: boolean): boolean;
}

const checker = (await import(pathToFileURL(`${REPO_ROOT}scripts/test-tools.js`).href)) as TestTools;
const { TOOLS, missingTools, missingLines, canInstall } = checker;

const names = (tools: readonly Tool[]): string[] => tools.map((tool) => tool.command ?? tool.folder ?? '');
const GOCODE = '/usr/share/gocode/src';
const PROMHTTP = `${GOCODE}/github.com/prometheus/client_golang/prometheus/promhttp`;
const PQ = `${GOCODE}/github.com/lib/pq`;
const files =
  (...present: string[]) =>
  (file: string): boolean =>
    present.includes(file);

describe('test tools checker', () => {
  it('knows every tool the suite drives', () => {
    assert.deepEqual(names(TOOLS), [
      'jq',
      'script',
      'openssl',
      'rustc',
      'pgbouncer',
      'promtool',
      'prometheus-postgres-exporter',
      'go',
      PROMHTTP,
      PQ,
      'chromium',
    ]);
  });

  it('finds nothing missing when every tool is on PATH', () => {
    const env = { path: '/usr/local/bin:/usr/bin', home: '/home/ci' };
    const fs = files(
      '/usr/bin/jq',
      '/usr/bin/script',
      '/usr/local/bin/openssl',
      '/usr/bin/rustc',
      '/usr/sbin/pgbouncer',
      '/usr/bin/promtool',
      '/usr/bin/prometheus-postgres-exporter',
      '/usr/bin/go',
      PROMHTTP,
      PQ,
      '/usr/bin/chromium',
    );
    assert.deepEqual(missingTools(TOOLS, env, fs), []);
  });

  it('names the tools that a PATH hides', () => {
    const env = { path: '/opt/bin', home: '/home/ci' };
    const fs = files(
      '/usr/bin/jq',
      '/opt/bin/script',
      '/opt/bin/openssl',
      '/opt/bin/pgbouncer',
      '/opt/bin/promtool',
      '/opt/bin/prometheus-postgres-exporter',
      '/opt/bin/go',
      PROMHTTP,
      PQ,
      '/opt/bin/chromium',
    );
    assert.deepEqual(names(missingTools(TOOLS, env, fs)), ['jq', 'rustc']);
  });

  it('finds rustc in ~/.cargo/bin and /usr/bin although neither is on PATH', () => {
    const env = { path: '/opt/bin', home: '/home/ci' };
    const rustc = TOOLS.filter((tool) => tool.command === 'rustc');
    assert.deepEqual(missingTools(rustc, env, files('/home/ci/.cargo/bin/rustc')), []);
    assert.deepEqual(missingTools(rustc, env, files('/usr/bin/rustc')), []);
    assert.deepEqual(names(missingTools(rustc, env, files('/root/.cargo/bin/rustc'))), ['rustc']);
  });

  it('finds pgbouncer in /usr/sbin although a non-root PATH lacks it', () => {
    const env = { path: '/usr/local/bin:/usr/bin:/bin', home: '/home/ci' };
    const pgbouncer = TOOLS.filter((tool) => tool.command === 'pgbouncer');
    assert.deepEqual(missingTools(pgbouncer, env, files('/usr/sbin/pgbouncer')), []);
    assert.deepEqual(names(missingTools(pgbouncer, env, files('/usr/local/sbin/pgbouncer'))), ['pgbouncer']);
  });

  it('finds a Go library by its folder, whatever PATH is', () => {
    const pq = TOOLS.filter((tool) => tool.folder === PQ);
    assert.deepEqual(missingTools(pq, { path: undefined, home: '/h' }, files(PQ)), []);
    assert.deepEqual(names(missingTools(pq, { path: GOCODE, home: '/h' }, files(`${GOCODE}/pq`))), [PQ]);
  });

  it('treats an unset or empty PATH as no folders', () => {
    const jq = TOOLS.filter((tool) => tool.command === 'jq');
    assert.deepEqual(names(missingTools(jq, { path: undefined, home: '/h' }, files('/jq'))), ['jq']);
    assert.deepEqual(names(missingTools(jq, { path: '', home: '/h' }, files('/jq'))), ['jq']);
  });

  it('prints one line per missing tool with its package', () => {
    const env = { path: '/nowhere', home: '/nobody' };
    const lines = missingLines(missingTools(TOOLS, env, files()));
    assert.deepEqual(lines, [
      'missing test tool: jq (checking JSON output); install it with: sudo apt-get install jq',
      'missing test tool: script (a pseudo-terminal for the wizard tests); install it with: sudo apt-get install bsdutils',
      'missing test tool: openssl (certificates for the TLS tests); install it with: sudo apt-get install openssl',
      'missing test tool: rustc (compiling the emitted Rust); install it with: sudo apt-get install rustc, or rustup from https://rustup.rs',
      'missing test tool: pgbouncer (a real connection pooler in front of the test servers); install it with: sudo apt-get install pgbouncer',
      'missing test tool: promtool (checking and unit-testing the alert rules); install it with: sudo apt-get install prometheus',
      'missing test tool: prometheus-postgres-exporter (the series names the postgres-exporter alert rules read); install it with: sudo apt-get install prometheus-postgres-exporter',
      'missing test tool: go (building the vendored pgbouncer_exporter for the pgbouncer-exporter alert rules); install it with: sudo apt-get install golang-go',
      `missing test tool: ${PROMHTTP} (building the vendored pgbouncer_exporter for the pgbouncer-exporter alert rules); install it with: sudo apt-get install golang-github-prometheus-client-golang-dev`,
      `missing test tool: ${PQ} (building the vendored pgbouncer_exporter for the pgbouncer-exporter alert rules); install it with: sudo apt-get install golang-github-lib-pq-dev`,
      'missing test tool: chromium (opening --format html reports in a real browser, driven by playwright-core); install it with: sudo apt-get install chromium',
    ]);
    assert.deepEqual(missingLines([]), []);
  });

  it('installs only as root with apt-get', () => {
    assert.equal(canInstall(true, true), true);
    assert.equal(canInstall(false, true), false);
    assert.equal(canInstall(true, false), false);
  });

  it('runs before any test in npm test', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { scripts: { test: string } };
    assert.match(pkg.scripts.test, /^node scripts\/test-tools\.js && /);
  });
});
