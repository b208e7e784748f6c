#!/usr/bin/env node
// CommonJS on purpose: see scripts/bundle.js.
//
// Compiling the bundle is the largest single cost of a start, so V8's code cache keeps the compiled code
// between runs, in the user's own cache directory (never a shared one: cached code is executable). Node 22
// has this built in (module.enableCompileCache); on Node 20 the few lines below do the same for our one
// bundle. NODE_DISABLE_COMPILE_CACHE=1 turns both off, as it does for Node's own.
'use strict';
const path = require('node:path');
const Module = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');

function cacheDirectory() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  return base ? path.join(base, 'pooltune', 'v8') : undefined;
}

/** Node 20: compile the bundle with the cached data of an earlier run of the same command, if any. */
function loadWithCodeCache(directory) {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const source = fs.readFileSync(bundle, 'utf8');
  const stat = fs.statSync(bundle);
  // One cache per command: each one compiles different functions, and a cache holds what its run compiled.
  const command = /^[a-z][a-z-]{0,19}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const key = `${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}-${command}`;
  const cacheFile = path.join(directory, `${key}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: this run makes one.
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const loaded = new Module(bundle, module);
  loaded.filename = bundle;
  loaded.paths = Module._nodeModulePaths(path.dirname(bundle));
  script
    .runInThisContext()
    .call(loaded.exports, loaded.exports, Module.createRequire(bundle), loaded, bundle, path.dirname(bundle));
  loaded.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made at exit, so that the cache also holds the functions this run compiled lazily.
    process.once('exit', () => {
      try {
        fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
        const temporary = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(temporary, cacheFile);
        // A new build or Node makes the older caches of this command useless.
        for (const name of fs.readdirSync(directory))
          if (name.endsWith(`-${command}.bin`) && name !== path.basename(cacheFile))
            fs.rmSync(path.join(directory, name), { force: true });
      } catch {
        // A cache that cannot be written only costs the next start a few milliseconds.
      }
    });
  }
  return loaded.exports;
}

function load() {
  const directory = cacheDirectory();
  if (directory === undefined) return require(bundle);
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(directory);
    return require(bundle);
  }
  return loadWithCodeCache(directory);
}

load().main();
