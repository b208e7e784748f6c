import { describe, FileProblems, showPath, type KeyPath } from '../config/file-problems.js';
import { validate } from '../config/generated/schema-spec.js';
import { canonicalType } from './type-names.js';
import type { ColumnSpec, IndexSpec, SchemaSpec, TableSpec } from './types.js';

/** The keys a spec file may hold, as `workloads/schema-spec.schema.json` lists them (a unit test holds them equal). */
export const SPEC_KEYS = ['$schema', 'name', 'schema', 'tables'] as const;
export const TABLE_KEYS = ['name', 'columns', 'primaryKey', 'indexes'] as const;
export const COLUMN_KEYS = ['name', 'type', 'nullable'] as const;
export const INDEX_KEYS = ['name', 'columns', 'unique'] as const;

/** NAMEDATALEN − 1: the server cuts longer names, so a longer name in a spec could never match. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Longer than any type PostgreSQL can name (a 63-byte name, its schema, modifiers, `with time zone`, `[]`);
 * canonicalType's patterns are slow on pathological text of many thousand characters. The schema says so
 * too; the check here words the problem with the length.
 */
const MAX_TYPE_LENGTH = 256;
/** The schema's errorMessage for a type, for the types it cannot judge (unbalanced brackets). */
export const TYPE_EXPECTED = 'expected a type such as text, bigint, timestamptz or varchar(255)';

/** A spec file as workloads/schema-spec.schema.json describes it; true of `raw` once the schema passes it. */
interface SpecFile {
  readonly name?: string;
  readonly schema?: string;
  readonly tables: readonly {
    readonly name: string;
    readonly columns?: readonly ColumnSpec[];
    readonly primaryKey?: readonly string[];
    readonly indexes?: readonly IndexSpec[];
  }[];
}

/** The server cuts a name at 63 bytes, so a longer name could never match; the schema counts characters. */
function checkNameBytes(p: FileProblems, path: KeyPath): void {
  const name = p.value(path);
  if (typeof name !== 'string' || name.length * 3 <= MAX_IDENTIFIER_BYTES) return;
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_IDENTIFIER_BYTES)
    p.add(
      path,
      `${describe(name)} is ${bytes} bytes long; PostgreSQL keeps only the first ${MAX_IDENTIFIER_BYTES} bytes of a name`,
    );
}

function checkType(p: FileProblems, path: KeyPath): void {
  const type = p.value(path);
  if (typeof type !== 'string') return;
  const balanced = (text: string) =>
    text.split('(').length === text.split(')').length && text.split('[').length === text.split(']').length;
  if (type.length > MAX_TYPE_LENGTH)
    p.add(
      path,
      `expected a type such as text, bigint or varchar(255), at most ${MAX_TYPE_LENGTH} characters, got ${describe(type)} (${type.length} characters)`,
    );
  else if (!p.has(path) && !balanced(type)) p.add(path, `${TYPE_EXPECTED}, got ${describe(type)}`);
}

/** Remembers where each name was first seen, so that a repeat can point at the first. */
function uniqueNames(p: FileProblems, kind: string) {
  const seen = new Map<string, string>();
  return (entry: KeyPath) => {
    const path = [...entry, 'name'];
    const name = p.sound(path);
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, showPath(path));
    else p.add(path, `${kind} ${describe(name)} is listed twice (also at ${first})`, entry);
  };
}

/**
 * Checks a parsed spec file against its schema and the rules a schema cannot state. Every problem is
 * collected, each naming its key path (`tables[1].columns[0].name`), so that the user fixes the file in
 * one go; `file` labels the error.
 */
export function parseSchemaSpec(raw: unknown, file: string, fallbackTitle: string): SchemaSpec {
  const p = new FileProblems(raw).check(validate);
  checkNameBytes(p, ['schema']);
  const tableNames = uniqueNames(p, 'table');
  // Index names share the schema's namespace with tables, so they must differ across the whole file.
  const indexNames = uniqueNames(p, 'index');
  for (let t = 0; t < p.length(['tables']); t++) {
    const table = ['tables', t];
    checkNameBytes(p, [...table, 'name']);
    const columnNames = uniqueNames(p, 'column');
    for (let c = 0; c < p.length([...table, 'columns']); c++) {
      const column = [...table, 'columns', c];
      checkNameBytes(p, [...column, 'name']);
      checkType(p, [...column, 'type']);
      columnNames(column);
    }
    for (let i = 0; i < p.length([...table, 'indexes']); i++) {
      const index = [...table, 'indexes', i];
      checkNameBytes(p, [...index, 'name']);
      for (let k = 0; k < p.length([...index, 'columns']); k++) checkNameBytes(p, [...index, 'columns', k]);
      indexNames(index);
    }
    for (let k = 0; k < p.length([...table, 'primaryKey']); k++)
      checkNameBytes(p, [...table, 'primaryKey', k]);
    tableNames(table);
  }
  p.throwIfAny(file);

  const spec = raw as SpecFile;
  return {
    title: spec.name ?? fallbackTitle,
    origin: file,
    ...(spec.schema === undefined ? {} : { schema: spec.schema }),
    tables: spec.tables.map(({ name, columns = [], primaryKey, indexes = [] }): TableSpec => ({
      name,
      columns: columns.map(({ name, type, nullable }) => ({
        name,
        ...(type === undefined ? {} : { type: canonicalType(type) }),
        ...(nullable === undefined ? {} : { nullable }),
      })),
      indexes: indexes.map(({ name, columns, unique }) => ({
        name,
        ...(columns === undefined ? {} : { columns: [...columns] }),
        ...(unique === undefined ? {} : { unique }),
      })),
      triggers: [],
      ...(primaryKey === undefined ? {} : { primaryKey: [...primaryKey] }),
    })),
    functions: [],
  };
}
