/**
 * What a user installs: the package as `npm pack` makes it, installed from its tarball into an empty folder
 * (offline, from the npm cache that `npm ci` filled), must run. Everything happens in a temp folder of
 * this test's own, removed afterwards; the checkout is only read (`--ignore-scripts`: no rebuild of dist/
 * under the tests that run beside this one).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'pooltune-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment without what `npm test` sets for its own scripts, which would steer the inner npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('npm_') || key === 'npm_config_cache') env[key] = value;
  }
  // npm's own node first, then the rest of PATH.
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  // The executable's V8 code cache goes to the scratch folder too.
  env.XDG_CACHE_HOME = join(scratch, 'cache');
  return env;
}

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args], { cwd, env: cleanEnv(), timeout: 180_000 });
  return stdout;
}

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

describe('the packed package, installed from its tarball', () => {
  const version = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string })
    .version;
  const project = join(scratch, 'project');
  let packed: PackResult;
  const pooltune = (args: readonly string[]) =>
    run(join(project, 'node_modules', '.bin', 'pooltune'), [...args], { cwd: project, env: cleanEnv() });

  before(async () => {
    const json = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], REPO_ROOT);
    const results = JSON.parse(json) as PackResult[];
    assert.equal(results.length, 1);
    packed = results[0]!;
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-pooltune", "private": true }\n');
    await npm(['install', '--offline', '--no-audit', '--no-fund', join(scratch, packed.filename)], project);
  });

  it('holds what pooltune needs at run time and nothing of the tests or sources', () => {
    const paths = packed.files.map((file) => file.path);
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/pooltune.cjs',
      'dist/bundle/cli.cjs',
      'workloads/oltp.json',
      'workloads/batch.json',
      'workloads/microservice.json',
      'workloads/schema.json',
      'schemas/report.schema.json',
      'schemas/pooltune.config.schema.json',
    ]) {
      assert.ok(paths.includes(needed), `${needed} is in the package`);
    }
    assert.ok(paths.some((path) => path.startsWith('dist/bundle/vendor/')));
    assert.ok(paths.some((path) => path.startsWith('dist/bundle/validators/')));
    const stray = paths.filter((path) => /^(test|src|scripts|bench|dist\/(test|src))\//.test(path));
    assert.deepEqual(stray, []);
  });

  it('pooltune --version prints the package version', async () => {
    const { stdout, stderr } = await pooltune(['--version']);
    assert.equal(stdout, `${version}\n`);
    assert.equal(stderr, '');
  });

  it('pooltune recommend -w oltp finds its preset and prints the pool', async () => {
    const { stdout, stderr } = await pooltune(['recommend', '-w', 'oltp', '--emit', 'env']);
    assert.equal(stderr, '');
    assert.match(stdout, /^Recommendation for oltp/);
    assert.match(stdout, /POOL_MAX_CONNECTIONS=\d+/);
  });
});
