import { basename, extname, resolve } from 'node:path';
import { looksLikePath, readJsonFile } from './json-file.js';
import { echo } from '../core/echo.js';
import { UsageError } from '../core/errors.js';
import { EVENTCORE_SCHEMA_SPEC } from '../core/schema/eventcore.js';
import { parseSchemaSpec } from '../core/schema/spec.js';
import type { SchemaSpec } from '../core/schema/types.js';

export const BUILTIN_SCHEMA_SPECS = ['eventcore'] as const;

/** `eventcore`, or a path to the user's own spec file (JSON). */
export async function loadSchemaSpec(value: string, cwd: string): Promise<SchemaSpec> {
  if (value === 'eventcore') return EVENTCORE_SCHEMA_SPEC;
  if (value.trim() === '') {
    throw new UsageError(
      `--schema is empty; expected ${BUILTIN_SCHEMA_SPECS.join(', ')} or the path of a spec file (.json)`,
    );
  }
  if (!looksLikePath(value)) {
    throw new UsageError(
      `--schema: unknown schema '${echo(value)}'; expected ${BUILTIN_SCHEMA_SPECS.join(', ')} or the path of a spec file (.json)`,
    );
  }
  return parseSchemaSpec(
    await readJsonFile(resolve(cwd, value), value, 'schema spec file'),
    value,
    basename(value, extname(value)),
  );
}
