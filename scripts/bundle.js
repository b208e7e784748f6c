// Bundles the CLI for start-up speed, as CommonJS: Node's ES module loader alone costs a start about
// 20 ms, more than the rest of pooltune's start-up put together. pooltune's own code and commander go
// into one file, dist/bundle/cli.cjs; each heavier library (pg, chalk, cli-table3, the prompts) into a
// file of its own under dist/bundle/vendor/, required only by the paths that use it, since esbuild turns
// the dynamic import()s into require()s. The validators generated from the JSON Schemas go into files of
// their own under dist/bundle/validators/ too, loaded when a file is first read. `npm run bench` measures
// what this buys.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { generateValidators, VALIDATORS } from './generate-validators.js';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist/bundle/`;
rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Lazy paths become require() calls inside a promise, so that no ES module is ever loaded.
  supported: { 'dynamic-import': false },
  // Less to parse at every start. Not keepNames: it wraps every function esbuild renames in a
  // defineProperty call, also closures that pg and pg-pool create per query, which halved bench's
  // throughput. Errors are still told apart by name: inquirer sets `name` as a string field.
  minify: true,
  logLevel: 'warning',
  // pg looks for the optional native driver; we never use it.
  external: ['pg-native'],
};

// So that the bundle never holds validators older than the schemas.
generateValidators();

// prom-client is loaded only by `monitor --listen`.
const VENDOR = ['pg', 'chalk', 'cli-table3', '@inquirer/prompts', 'prom-client'];
const vendorFile = (name) => `vendor/${name.replace('@', '').replace('/', '-')}.cjs`;

await Promise.all(
  VENDOR.map((name) =>
    build({
      ...common,
      stdin: { contents: `module.exports = require('${name}');`, resolveDir: root, loader: 'js' },
      outfile: `${outdir}${vendorFile(name)}`,
    }),
  ),
);

await Promise.all(
  VALIDATORS.map(({ module }) =>
    build({
      ...common,
      entryPoints: [`${root}src/core/config/generated/${module}.ts`],
      outfile: `${outdir}validators/${module}.cjs`,
    }),
  ),
);

const pooltunePlugins = [
  {
    name: 'vendor',
    setup(b) {
      b.onResolve({ filter: /[/\\]formats[/\\]html\.js$/ }, () => ({ path: './html.cjs', external: true }));
      b.onResolve({ filter: /^(pg|chalk|cli-table3|@inquirer\/prompts|prom-client)$/ }, (args) => ({
        path: `./${vendorFile(args.path)}`,
        external: true,
      }));
      // commander loads child_process when it starts, for subcommands that are separate executables,
      // which pooltune has none of: hand it a stand-in that loads the real module on first use.
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[/\\]commander[/\\]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
      );
      // A validator is code for one kind of file: a stand-in requires it when it is first called.
      b.onResolve({ filter: /[/\\]config[/\\]generated[/\\][\w-]+\.js$/ }, (args) => ({
        path: args.path.replace(/.*[/\\]([\w-]+)\.js$/, '$1'),
        namespace: 'lazy-validator',
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-validator' }, (args) => ({
        contents: `let loaded; module.exports = { get validate() { return (loaded ??= require('./validators/${args.path}.cjs')).validate; } };`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^\.\/validators\//, namespace: 'lazy-validator' }, (args) => ({
        path: args.path,
        external: true,
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
        contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
        loader: 'js',
      }));
    },
  },
];

// The HTML renderer (with the chart-drawing script it writes into each page) is a file of its own too,
// required only by --format html: no other format's start-up parses it.
await build({
  ...common,
  entryPoints: [`${root}src/report/formats/html.ts`],
  outfile: `${outdir}html.cjs`,
});

// The CLI, and the worker thread of each application instance that `bench --instances N` runs: a file of
// its own next to cli.cjs (probes/fleet-protocol.ts finds it there), sharing the vendor files.
for (const [entry, outfile] of [
  ['src/cli/main.ts', 'cli.cjs'],
  ['src/probes/fleet-worker.ts', 'fleet-worker.cjs'],
]) {
  await build({
    ...common,
    entryPoints: [`${root}${entry}`],
    outfile: `${outdir}${outfile}`,
    // package-root.ts finds the package from its own location; fleet.ts finds the worker next to it.
    define: { 'import.meta.url': '__pooltuneModuleUrl' },
    banner: { js: "const __pooltuneModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: pooltunePlugins,
  });
}

// Ajv is a devDependency: the generated validators must not need it (or anything else) at run time.
for (const file of [
  'cli.cjs',
  'fleet-worker.cjs',
  ...readdirSync(`${outdir}validators`).map((f) => `validators/${f}`),
]) {
  if (/require\(["']ajv/.test(readFileSync(`${outdir}${file}`, 'utf8')))
    throw new Error(`dist/bundle/${file} requires ajv, which is not installed with pooltune`);
}

// --format html inlines uPlot's minified script and stylesheet: copied as files into the package (never into
// cli.cjs), read only when a report is written in that format (src/ui/html-assets.ts).
mkdirSync(`${outdir}vendor/uplot`, { recursive: true });
for (const file of ['uPlot.iife.min.js', 'uPlot.min.css', 'LICENSE'])
  copyFileSync(
    `${root}node_modules/uplot/${file === 'LICENSE' ? '' : 'dist/'}${file}`,
    `${outdir}vendor/uplot/${file}`,
  );
