import { EVENTCORE_SCHEMA_SPEC } from '../core/schema/eventcore.js';
import { parseSchemaSpec } from '../core/schema/spec.js';
import type { SchemaSpec } from '../core/schema/types.js';
import { loadBuiltinOrFile } from './json-file.js';

export const BUILTIN_SCHEMA_SPECS = ['eventcore'] as const;

/** `eventcore`, or a path to the user's own spec file (JSON). */
export async function loadSchemaSpec(value: string, cwd: string): Promise<SchemaSpec> {
  return loadBuiltinOrFile(value, cwd, {
    flag: '--schema',
    kind: 'schema',
    builtins: BUILTIN_SCHEMA_SPECS,
    fileNoun: 'spec file',
    what: 'schema spec file',
    builtin: () => EVENTCORE_SCHEMA_SPEC,
    parse: parseSchemaSpec,
  });
}
