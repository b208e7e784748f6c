// Bundles the CLI for start-up speed: one module graph of our code and commander instead of dozens of
// files, with chalk, cli-table3, the prompts and pg in chunks loaded only by the paths that use them.
// `npm run bench` measures what this buys.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: new URL('../src/cli.ts', import.meta.url).pathname },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  // pg looks for the optional native driver; we never use it.
  external: ['pg-native'],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: {
    js: "import { createRequire as __pooltuneCreateRequire } from 'node:module'; const require = __pooltuneCreateRequire(import.meta.url);",
  },
  // Less to parse at every start. Not keepNames: it wraps every function esbuild renames in a
  // defineProperty call, also closures that pg and pg-pool create per query, which halved bench's
  // throughput. Errors are still told apart by name: inquirer sets `name` as a string field.
  minify: true,
  logLevel: 'warning',
});
