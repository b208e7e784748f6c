import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// core/ and report/ stay pure: no database, no terminal, no files, no process state. Of Node's own
// modules only node:path (string work on paths) is allowed. Patterns rather than names, so that a
// subpath (`pg/lib/client.js`, `fs/promises`) or a spelling without `node:` cannot slip through.
const PURE = 'core/ and report/ are pure: pass data in.';
const impureModules = [
  { what: "Node's modules but node:path", regex: '^node:(?!path$)' },
  // Bare built-ins: `fs`, `fs/promises`, `process`, `child_process`, `os`, … and `path` (write node:path).
  {
    what: "Node's modules",
    regex: `^(${builtinModules.filter((name) => !name.includes('/')).join('|')})(/|$)`,
  },
  { what: 'the database driver', regex: '^pg($|[/-])' },
  { what: 'terminal colour', regex: '^chalk($|/)' },
  { what: 'prompts', regex: '^(@inquirer/|inquirer($|/))' },
];
// esquery, which reads no-restricted-syntax's selectors, ends a regex at the first slash, hence \x2F.
const impureSource = impureModules.map(({ regex }) => regex.replaceAll('/', '\\x2F')).join('|');

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/golden/', 'test/rust/', 'src/core/config/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The executable is CommonJS, for start-up speed (scripts/bundle.js).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts', 'src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: impureModules.map(({ what, regex }) => ({ regex, message: `${PURE} (${what})` })) },
      ],
      // no-restricted-imports sees only static imports and re-exports.
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/${impureSource}/]`,
          message: `${PURE} (a dynamic import of an impure module)`,
        },
        {
          selector: 'ImportExpression:not([source.type="Literal"])',
          message: `${PURE} (a dynamic import of a computed name cannot be checked)`,
        },
        { selector: 'CallExpression[callee.name="require"]', message: `${PURE} (require)` },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ and report/ do not read process state.' },
        { name: 'require', message: PURE },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'globalThis',
          property: 'process',
          message: 'core/ and report/ do not read process state.',
        },
      ],
      'no-console': 'error',
    },
  },
);
