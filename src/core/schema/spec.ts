import { echo, printable } from '../echo.js';
import { InputFileError } from '../errors.js';
import { canonicalType } from './type-names.js';
import type { ColumnSpec, IndexSpec, SchemaSpec, TableSpec } from './types.js';

/** The keys a spec file may hold; `workloads/schema-spec.schema.json` describes the same shape for editors. */
export const SPEC_KEYS = ['$schema', 'name', 'schema', 'tables'] as const;
export const TABLE_KEYS = ['name', 'columns', 'primaryKey', 'indexes'] as const;
export const COLUMN_KEYS = ['name', 'type', 'nullable'] as const;
export const INDEX_KEYS = ['name', 'columns', 'unique'] as const;

/** NAMEDATALEN − 1: the server cuts longer names, so a longer name in a spec could never match. */
export const MAX_IDENTIFIER_BYTES = 63;

type Problems = string[];
type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return printable(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

function unknownKeys(obj: Obj, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const shown = allowed.filter((k) => k !== '$schema').join(', ');
      problems.push(`${path}${path ? '.' : ''}${echo(key, 40)}: unknown key (allowed: ${shown})`);
    }
  }
}

function identifier(value: unknown, path: string, problems: Problems): string | undefined {
  if (value === undefined) {
    problems.push(`${path}: missing`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') {
    problems.push(`${path}: expected a non-empty name, got ${describe(value)}`);
    return undefined;
  }
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_IDENTIFIER_BYTES) {
    problems.push(
      `${path}: ${describe(value)} is ${bytes} bytes long; PostgreSQL keeps only the first ${MAX_IDENTIFIER_BYTES} bytes of a name`,
    );
    return undefined;
  }
  return value;
}

function optionalBoolean(obj: Obj, key: string, path: string, problems: Problems): boolean | undefined {
  if (!(key in obj)) return undefined;
  const value = obj[key];
  if (typeof value === 'boolean') return value;
  problems.push(`${path}.${key}: expected true or false, got ${describe(value)}`);
  return undefined;
}

function nameList(value: unknown, path: string, problems: Problems): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${path}: expected a list of one or more column names, got ${describe(value)}`);
    return undefined;
  }
  const names = value.map((item, i) => identifier(item, `${path}[${i}]`, problems));
  return names.every((n) => n !== undefined) ? names : undefined;
}

function list(obj: Obj, key: string, path: string, problems: Problems): unknown[] {
  if (!(key in obj)) return [];
  const value = obj[key];
  if (Array.isArray(value)) return value;
  problems.push(`${path}.${key}: expected a list, got ${describe(value)}`);
  return [];
}

/** Remembers where each name was first seen, so a repeat can point at the first. */
function uniqueNames(kind: string) {
  const seen = new Map<string, string>();
  return (name: string | undefined, path: string, problems: Problems) => {
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, path);
    else problems.push(`${path}: ${kind} ${describe(name)} is listed twice (also at ${first})`);
  };
}

/**
 * Longer than any type PostgreSQL can name (a 63-byte name, its schema, modifiers, `with time zone`, `[]`);
 * canonicalType's patterns are slow on pathological text of many thousand characters.
 */
const MAX_TYPE_LENGTH = 256;

function typeName(value: unknown, path: string, problems: Problems): string | undefined {
  const balanced = (text: string) =>
    text.split('(').length === text.split(')').length && text.split('[').length === text.split(']').length;
  if (typeof value === 'string' && value.length > MAX_TYPE_LENGTH) {
    problems.push(
      `${path}: expected a type such as text, bigint or varchar(255), at most ${MAX_TYPE_LENGTH} characters, got ${describe(value)} (${value.length} characters)`,
    );
    return undefined;
  }
  if (typeof value === 'string' && value.trim() !== '' && balanced(value)) return canonicalType(value);
  problems.push(
    `${path}: expected a type such as text, bigint, timestamptz or varchar(255), got ${describe(value)}`,
  );
  return undefined;
}

function parseColumn(raw: unknown, path: string, problems: Problems): ColumnSpec | undefined {
  if (!isObject(raw)) {
    problems.push(
      `${path}: expected an object with "name" (and optionally "type", "nullable"), got ${describe(raw)}`,
    );
    return undefined;
  }
  unknownKeys(raw, COLUMN_KEYS, path, problems);
  const name = identifier(raw.name, `${path}.name`, problems);
  const type = 'type' in raw ? typeName(raw.type, `${path}.type`, problems) : undefined;
  const nullable = optionalBoolean(raw, 'nullable', path, problems);
  if (name === undefined) return undefined;
  return { name, ...(type === undefined ? {} : { type }), ...(nullable === undefined ? {} : { nullable }) };
}

function parseIndex(raw: unknown, path: string, problems: Problems): IndexSpec | undefined {
  if (!isObject(raw)) {
    problems.push(
      `${path}: expected an object with "name" (and optionally "columns", "unique"), got ${describe(raw)}`,
    );
    return undefined;
  }
  unknownKeys(raw, INDEX_KEYS, path, problems);
  const name = identifier(raw.name, `${path}.name`, problems);
  const columns = 'columns' in raw ? nameList(raw.columns, `${path}.columns`, problems) : undefined;
  const unique = optionalBoolean(raw, 'unique', path, problems);
  if (name === undefined) return undefined;
  return { name, ...(columns === undefined ? {} : { columns }), ...(unique === undefined ? {} : { unique }) };
}

function parseTable(
  raw: unknown,
  path: string,
  indexNames: ReturnType<typeof uniqueNames>,
  problems: Problems,
): TableSpec | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: expected an object with "name" and "columns", got ${describe(raw)}`);
    return undefined;
  }
  unknownKeys(raw, TABLE_KEYS, path, problems);
  const name = identifier(raw.name, `${path}.name`, problems);
  const columnNames = uniqueNames('column');
  const columns = list(raw, 'columns', path, problems).map((c, i) => {
    const column = parseColumn(c, `${path}.columns[${i}]`, problems);
    columnNames(column?.name, `${path}.columns[${i}].name`, problems);
    return column;
  });
  const indexes = list(raw, 'indexes', path, problems).map((x, i) => {
    const index = parseIndex(x, `${path}.indexes[${i}]`, problems);
    // Index names share the schema's namespace with tables, so they must differ across the whole file.
    indexNames(index?.name, `${path}.indexes[${i}].name`, problems);
    return index;
  });
  const primaryKey =
    'primaryKey' in raw ? nameList(raw.primaryKey, `${path}.primaryKey`, problems) : undefined;
  if (name === undefined) return undefined;
  return {
    name,
    columns: columns.filter((c) => c !== undefined),
    indexes: indexes.filter((x) => x !== undefined),
    triggers: [],
    ...(primaryKey === undefined ? {} : { primaryKey }),
  };
}

/**
 * Checks a parsed spec file. Every problem is collected, each naming its key path
 * (`tables[1].columns[0].name`), so that the user fixes the file in one go; `file` labels the error.
 */
export function parseSchemaSpec(raw: unknown, file: string, fallbackTitle: string): SchemaSpec {
  if (!isObject(raw)) {
    throw new InputFileError(file, [`expected a JSON object with "tables", got ${describe(raw)}`]);
  }
  const problems: Problems = [];
  unknownKeys(raw, SPEC_KEYS, '', problems);
  for (const key of ['$schema', 'name'] as const) {
    if (key in raw && (typeof raw[key] !== 'string' || raw[key] === '')) {
      problems.push(`${key}: expected a non-empty string, got ${describe(raw[key])}`);
    }
  }
  const schema = 'schema' in raw ? identifier(raw.schema, 'schema', problems) : undefined;

  const tables: TableSpec[] = [];
  if (!('tables' in raw)) {
    problems.push('tables: missing (the list of tables to look for)');
  } else if (!Array.isArray(raw.tables) || raw.tables.length === 0) {
    problems.push(`tables: expected a list of one or more tables, got ${describe(raw.tables)}`);
  } else {
    const tableNames = uniqueNames('table');
    const indexNames = uniqueNames('index');
    raw.tables.forEach((t: unknown, i) => {
      const table = parseTable(t, `tables[${i}]`, indexNames, problems);
      tableNames(table?.name, `tables[${i}].name`, problems);
      if (table) tables.push(table);
    });
  }

  if (problems.length > 0) throw new InputFileError(file, problems);
  return {
    title: typeof raw.name === 'string' ? raw.name : fallbackTitle,
    origin: file,
    ...(schema === undefined ? {} : { schema }),
    tables,
    functions: [],
  };
}
