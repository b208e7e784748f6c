import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

// The house rules of the source tree's shape (README, "Layout"), checked on the TypeScript sources.

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module specifiers a file names: static and dynamic imports and re-exports, type-only ones too. */
function imports(text: string): string[] {
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^'";]*?\bfrom\s+'([^']+)'/gm))
    specifiers.push(match[1] ?? '');
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(match[1] ?? '');
  for (const match of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specifiers.push(match[1] ?? '');
  return specifiers;
}

/** A relative specifier as the source file it names (`./x.js` → `/…/x.ts`); undefined for packages. */
function sourceOf(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, imports(readFileSync(file, 'utf8'))] as const));
const name = (file: string) => relative(SRC, file);

describe('source layout', () => {
  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(name).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const specifier of graph.get(file) ?? []) {
        const target = sourceOf(file, specifier);
        if (target && graph.has(target)) visit(target, [...path, file]);
      }
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  it('keeps commands free of pg, of opening connections and of each other', () => {
    const commands = files.filter((file) => name(file).startsWith('commands/'));
    assert.ok(commands.length > 0);
    const problems = commands.flatMap((file) =>
      (graph.get(file) ?? []).flatMap((specifier) => {
        const target = sourceOf(file, specifier);
        if (/^pg(\/|$)/.test(specifier)) return [`${name(file)} imports ${specifier}`];
        if (target && name(target).startsWith('commands/') && !name(target).startsWith('commands/index'))
          return [`${name(file)} imports another command, ${name(target)}`];
        if (target && name(target) === 'probes/connect.ts') return [`${name(file)} imports probes/connect`];
        return [];
      }),
    );
    assert.deepEqual(problems, []);
  });

  it('keeps the program a loop over the command list (under 150 lines)', () => {
    const program = files.find((file) => /(^|\/)program\.ts$/.test(name(file)));
    assert.ok(program, 'a program.ts exists');
    assert.ok(
      readFileSync(program, 'utf8').split('\n').length < 150,
      `${name(program)} is 150 lines or more`,
    );
  });
});
