import { fileURLToPath } from 'node:url';

/** The repository root; compiled tests run from dist/test/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = `${REPO_ROOT}bin/pooltune.cjs`;
export const GOLDEN_DIR = `${REPO_ROOT}test/golden/`;
export const FIXTURES_DIR = `${REPO_ROOT}test/fixtures/`;
