import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../helpers/paths.js';

// The purity rule lives in eslint.config.js; these cases lint snippets as if they were files of core/ and
// report/, so that a hole in the rule (a subpath, a spelling without `node:`, a dynamic import) fails here.
const eslint = new ESLint({ cwd: REPO_ROOT });

async function ruleIdsFor(code: string, filePath: string): Promise<readonly string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, `no lint result for ${filePath}`);
  return result.messages.map((m) => m.ruleId ?? m.message);
}

const PURITY_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  'no-restricted-globals',
  'no-restricted-properties',
]);

const FORBIDDEN_IMPORTS = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'node:process',
  'process',
  'node:child_process',
  'child_process',
  'node:os',
  'os',
  'node:net',
  'node:url',
  'node:util',
  'node:crypto',
  'node:readline',
  'node:test',
  'path',
  'pg',
  'pg/lib/client.js',
  'pg-pool',
  'chalk',
  'chalk/source/index.js',
  '@inquirer/prompts',
  '@inquirer/core',
];

const FORBIDDEN_CODE: readonly (readonly [string, string])[] = [
  ...FORBIDDEN_IMPORTS.flatMap((name): [string, string][] => [
    [`import ${name}`, `import * as m from '${name}';\nexport const x = m;\n`],
    [`import type from ${name}`, `import type * as m from '${name}';\nexport type X = typeof m;\n`],
    [`re-export from ${name}`, `export * from '${name}';\n`],
    [`import('${name}')`, `export const m = await import('${name}');\n`],
  ]),
  ['import() of a computed name', "const name = 'node:fs';\nexport const m = await import(name);\n"],
  ['the process global', 'export const home = process.env.HOME;\n'],
  ['globalThis.process', 'export const home = globalThis.process.env.HOME;\n'],
  ['require()', "export const fs = require('node:fs');\n"],
];

const ALLOWED_CODE: readonly (readonly [string, string])[] = [
  ['node:path', "import { extname } from 'node:path';\nexport const ext = extname('a.json');\n"],
  ['a relative import', "import { echo } from '../echo.js';\nexport const e = echo;\n"],
  ['a relative dynamic import', "export const m = await import('./units.js');\n"],
  ['a pure library', "import Table from 'cli-table3';\nexport const t = Table;\n"],
  ['the word process in a string', "export const line = 'connectionString: process.env.DATABASE_URL';\n"],
];

for (const folder of ['src/core', 'src/report']) {
  describe(`purity lint in ${folder}/`, () => {
    for (const [what, code] of FORBIDDEN_CODE) {
      it(`fails on ${what}`, async () => {
        const rules = await ruleIdsFor(code, `${folder}/x.ts`);
        assert.ok(
          rules.some((rule) => PURITY_RULES.has(rule)),
          `expected a purity error, got ${rules.join(', ') || 'none'}`,
        );
      });
    }
    for (const [what, code] of ALLOWED_CODE) {
      it(`passes ${what}`, async () => {
        assert.deepEqual(await ruleIdsFor(code, `${folder}/x.ts`), []);
      });
    }
  });
}

describe('purity lint outside core/ and report/', () => {
  it('lets the probes use pg and node:fs', async () => {
    const code =
      "import pg from 'pg';\nimport { readFileSync } from 'node:fs';\nexport const x = [pg, readFileSync];\n";
    assert.deepEqual(await ruleIdsFor(code, 'src/probes/x.ts'), []);
  });
});
