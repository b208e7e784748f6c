import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// core/ and report/ stay pure: no database, no terminal, no process state.
const impureModules = ['pg', 'chalk', '@inquirer/prompts', 'node:process', 'node:fs', 'node:child_process'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/golden/', 'test/rust/'] },
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
        {
          paths: impureModules.map((name) => ({
            name,
            message: 'core/ and report/ are pure: pass data in.',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ and report/ do not read process state.' },
      ],
      'no-console': 'error',
    },
  },
);
