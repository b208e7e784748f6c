/**
 * Spec files may write a column type the way people write it in DDL (`timestamptz`, `int8`,
 * `varchar(255)`); the catalog reports PostgreSQL's canonical spelling (format_type). This maps the
 * former onto the latter so that the two compare as strings.
 */

const ALIASES: Readonly<Record<string, string>> = {
  int: 'integer',
  int4: 'integer',
  integer: 'integer',
  // serial types are integer columns with a sequence default; format_type reports the integer.
  serial: 'integer',
  serial4: 'integer',
  int2: 'smallint',
  smallint: 'smallint',
  smallserial: 'smallint',
  serial2: 'smallint',
  int8: 'bigint',
  bigint: 'bigint',
  bigserial: 'bigint',
  serial8: 'bigint',
  bool: 'boolean',
  boolean: 'boolean',
  float4: 'real',
  real: 'real',
  float8: 'double precision',
  'double precision': 'double precision',
  decimal: 'numeric',
  numeric: 'numeric',
  varchar: 'character varying',
  'character varying': 'character varying',
  'char varying': 'character varying',
  char: 'character',
  character: 'character',
  bpchar: 'character',
  varbit: 'bit varying',
  'bit varying': 'bit varying',
  timestamptz: 'timestamp with time zone',
  timetz: 'time with time zone',
};

// CREATE TABLE gives `char` and `bit` without a length a length of 1, and format_type shows it.
const LENGTH_ONE_BY_DEFAULT = new Set(['character', 'bit']);

/** `Timestamp (3)  WITH TIME ZONE[]` → `timestamp(3) with time zone[]`; unknown names pass through, lower-cased. */
export function canonicalType(written: string): string {
  let text = written.trim().replace(/\s+/g, ' ');
  // A quoted name is the user's own type spelled exactly; leave it be.
  if (text.includes('"')) return text;
  text = text
    .toLowerCase()
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ',');

  // format_type shows any number of array dimensions as one `[]`: PostgreSQL does not enforce them.
  let array = false;
  const arrayMatch = /^(.*?)(?:\s*\[\d*\])+$|^(.*?) array(?:\[\d*\])?$/.exec(text);
  if (arrayMatch) {
    array = true;
    text = (arrayMatch[1] ?? arrayMatch[2] ?? '').trim();
  }

  const parts = /^(.*?)(?:\((\d+(?:,-?\d+)?)\))?(?: (with|without) time zone)?$/.exec(text);
  if (!parts) return text + (array ? '[]' : '');
  const [, rawName = '', modifier, zone] = parts;
  let name = rawName.trim();
  let typmod = modifier === undefined ? undefined : `(${modifier})`;

  let base: string;
  if (name === 'float') {
    // float(p): up to 24 binary digits is real, more is double precision; no p is double precision.
    const precision = modifier === undefined ? 53 : Number(modifier);
    base = precision <= 24 ? 'real' : 'double precision';
    typmod = undefined;
  } else if (name === 'timestamp' || name === 'time') {
    base = `${name}${typmod ?? ''} ${zone === 'with' ? 'with' : 'without'} time zone`;
    typmod = undefined;
  } else if (name === 'timestamptz' || name === 'timetz') {
    name = name.slice(0, -2);
    base = `${name}${typmod ?? ''} with time zone`;
    typmod = undefined;
  } else {
    base = ALIASES[name] ?? name;
    // `bpchar` without a length is its own unlimited type, and format_type keeps its name.
    if (name === 'bpchar' && typmod === undefined) base = 'bpchar';
    else if (typmod === undefined && LENGTH_ONE_BY_DEFAULT.has(base)) typmod = '(1)';
    if (zone !== undefined) base = `${base} ${zone} time zone`;
  }
  return `${base}${typmod ?? ''}${array ? '[]' : ''}`;
}
