import { echo, printable } from '../echo.js';
import { InputFileError } from '../errors.js';
import { DURATION_HELP, parseDuration } from '../units.js';

/**
 * The part of a JSON Schema node that problems are worded from. `errorMessage` (a keyword VS Code's JSON
 * support knows too) words a node whose own rules a value breaks; `title` names a required key's purpose.
 */
export interface SchemaNode {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly title?: string;
  readonly errorMessage?: string;
}

/** One error of a generated validator (Ajv's, with `verbose`: the node it broke and the value). */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: { readonly missingProperty?: string; readonly additionalProperty?: string };
  readonly parentSchema?: SchemaNode;
  readonly data?: unknown;
}

/** A validator that scripts/generate-validators.js made from one of the JSON Schemas. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: readonly SchemaError[] | null;
}

/** A place in a file: keys and array indexes from the top. */
export type KeyPath = readonly (string | number)[];

export type Obj = Record<string, unknown>;
export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Printable ASCII needs no escapes: the common case, without printable's Unicode pattern.
const PLAIN = /^[\x20-\x7e]*$/;

/** A value as a problem quotes it: short, on one line, with control characters shown as escapes. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const json = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return PLAIN.test(json) ? json : printable(json);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

const PLAIN_KEY = /^[\w$]{1,40}$/;
const showKey = (key: string) => (PLAIN_KEY.test(key) ? key : echo(key, 40));

/** `services[0].pool.maxConnections`; keys are echoed, since an unknown one is the user's text. */
export function showPath(path: KeyPath): string {
  let shown = '';
  for (const segment of path) {
    if (typeof segment === 'number') shown += `[${segment}]`;
    else shown += `${shown ? '.' : ''}${showKey(segment)}`;
  }
  return shown;
}

/** What a node expects, from its errorMessage or else from its rules. */
function expected(node: SchemaNode | undefined): string {
  if (node?.errorMessage) return node.errorMessage;
  if (node?.enum) return `expected one of ${node.enum.join(', ')}`;
  switch (node?.type) {
    case 'integer':
      return `expected a whole number from ${node.minimum} to ${node.maximum}`;
    case 'number':
      return node.exclusiveMinimum === undefined
        ? `expected a number from ${node.minimum} to ${node.maximum}`
        : `expected a number above ${node.exclusiveMinimum} and at most ${node.maximum}`;
    case 'boolean':
      return 'expected true or false';
    case 'string':
      return node.minLength ? 'expected a non-empty string' : 'expected a string';
    case 'array':
      return 'expected a list';
    case 'object':
      return node.required?.length
        ? `expected an object with ${listed(node.required)}`
        : 'expected an object';
    default:
      return 'expected something else';
  }
}

const listed = (names: readonly string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

interface Problem {
  readonly message: string;
  /** A misspelt key: listed first within its object, since it often explains a "missing" below. */
  readonly unknownKey?: boolean;
  /** For a problem listed after everything inside its place: the path it names. */
  readonly shown?: string;
}

/** A place in the file that holds problems, itself or below. */
interface Place {
  /** At most one: a later problem at the same place replaces an earlier one. */
  own?: Problem;
  /** Problems listed after everything inside this place (a name used twice, after its entry). */
  after?: Problem[];
  /** Keys and indexes (as strings) with problems, in the order the problems came. */
  inside?: [string, Place][];
}

// Ajv names a place by JSON Pointer (`/services/0/pool`); most keys have nothing to escape.
const unescape = (token: string) =>
  token.includes('~') ? token.replaceAll('~1', '/').replaceAll('~0', '~') : token;
const escape = (key: string) => (/[~/]/.test(key) ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key);
function pointer(path: KeyPath): string {
  let at = '';
  for (const key of path) at += `/${typeof key === 'number' ? key : escape(key)}`;
  return at;
}

/**
 * Every problem of one file, each with its path, so that one run shows them all: those of the file's JSON
 * Schema (through its generated validator) and those of the rules a schema cannot state. They are listed
 * in the order of the file.
 */
export class FileProblems {
  private readonly root: Place = {};
  /** Every place that holds a problem, itself or below, by pointer. */
  private readonly places = new Map<string, Place>([['', this.root]]);
  private readonly raw: unknown;

  constructor(raw: unknown) {
    this.raw = raw;
  }

  /** Runs a generated validator over the file and takes its errors, one problem a place. */
  check(validate: SchemaValidator): this {
    if (validate(this.raw)) return this;
    for (const error of validate.errors ?? []) {
      const at = error.instancePath;
      const { missingProperty, additionalProperty } = error.params;
      if (error.keyword === 'additionalProperties' && additionalProperty !== undefined) {
        const allowed = Object.keys(error.parentSchema?.properties ?? {}).filter((k) => k !== '$schema');
        this.place(`${at}/${escape(additionalProperty)}`).own = {
          message: `unknown key (allowed: ${allowed.join(', ')})`,
          unknownKey: true,
        };
      } else if (error.keyword === 'required' && missingProperty !== undefined) {
        const title = error.parentSchema?.properties?.[missingProperty]?.title;
        this.place(`${at}/${escape(missingProperty)}`).own = {
          message: title ? `missing (${title})` : 'missing',
        };
      } else {
        // A oneOf or anyOf reports its branches' errors first and its own last, and its node words the
        // problem best; so, at one place, a later error replaces an earlier one.
        this.place(at).own = { message: `${expected(error.parentSchema)}, got ${describe(error.data)}` };
      }
    }
    return this;
  }

  /**
   * Adds a problem, or replaces the schema's at the same place with a more telling one. With `after`, the
   * problem is listed after everything inside that place, and several may share a path.
   */
  add(path: KeyPath, message: string, after?: KeyPath): void {
    if (after) (this.place(pointer(after)).after ??= []).push({ message, shown: showPath(path) });
    else this.place(pointer(path)).own = { message };
  }

  /** Whether the place, or anything in it, has a problem. */
  has(path: KeyPath): boolean {
    return path.length > 0 && this.places.has(pointer(path));
  }

  /** The value at a place, if the file has it and it has no problem. */
  sound(path: KeyPath): unknown {
    const value = valueAt(this.raw, path);
    return value === undefined || this.has(path) ? undefined : value;
  }

  /** The value at a place, whether or not it has a problem. */
  value(path: KeyPath): unknown {
    return valueAt(this.raw, path);
  }

  /** How many entries the list at a place has (0 when it is not a list). */
  length(path: KeyPath): number {
    const list = valueAt(this.raw, path);
    return Array.isArray(list) ? list.length : 0;
  }

  /**
   * A duration the schema passed as text must also be one by value: above 0 (0 reads as "no timeout"),
   * at least 1ms once rounded to whole milliseconds, and at most `max` where a consumer has a limit.
   */
  checkDuration(path: KeyPath, nullable: boolean, max?: { readonly ms: number; readonly why: string }): void {
    const value = this.sound(path);
    if (typeof value !== 'string') return;
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0)
      this.add(
        path,
        `expected ${DURATION_HELP}${nullable ? ', or null for none' : ''}, got ${describe(value)}`,
      );
    else if (Math.round(ms) < 1) this.add(path, `expected at least 1ms, got ${describe(value)}`);
    else if (max && ms > max.ms)
      this.add(path, `expected at most ${max.ms}ms (${max.why}), got ${describe(value)}`);
  }

  /** Throws every problem, in the order of the file, as one InputFileError labelled `file`. */
  throwIfAny(file: string): void {
    if (this.places.size === 1 && !this.root.own && !this.root.after) return;
    const lines: string[] = [];
    list(this.root, this.raw, '', lines);
    throw new InputFileError(file, lines);
  }

  /** The place a pointer names, made (with the places around it) when it holds its first problem. */
  private place(at: string): Place {
    let place = this.places.get(at);
    if (place) return place;
    const cut = at.lastIndexOf('/');
    const around = this.place(at.slice(0, cut));
    place = {};
    (around.inside ??= []).push([unescape(at.slice(cut + 1)), place]);
    this.places.set(at, place);
    return place;
  }
}

/**
 * A place's problems in the order of the file: its own, then its misspelt keys, then what is inside in
 * the file's order, then the keys it misses, then those listed after it.
 */
function list(place: Place, value: unknown, shown: string, lines: string[]): void {
  if (place.own) lines.push(shown ? `${shown}: ${place.own.message}` : place.own.message);
  if (place.inside) {
    if (Array.isArray(value)) listEntries(place.inside, value, shown, lines);
    else listKeys(place.inside, isObject(value) ? value : {}, shown, lines);
  }
  for (const problem of place.after ?? []) lines.push(`${problem.shown}: ${problem.message}`);
}

function listEntries(inside: [string, Place][], entries: readonly unknown[], shown: string, lines: string[]) {
  let ordered = inside;
  // The validator's problems come in the order of the entries; those added after it may not.
  for (let i = 1; i < inside.length; i++) {
    if (Number(inside[i - 1]![0]) > Number(inside[i]![0])) {
      ordered = [...inside].sort((a, b) => Number(a[0]) - Number(b[0]));
      break;
    }
  }
  for (const pair of ordered) listOne(pair[1], entries[Number(pair[0])], `${shown}[${pair[0]}]`, lines);
}

function listKeys(inside: [string, Place][], object: Obj, shown: string, lines: string[]) {
  const dot = shown ? `${shown}.` : '';
  const keys = Object.keys(object);
  // An object may have thousands of keys; a Map finds them faster than indexOf then.
  const index = inside.length > 16 ? new Map(keys.map((key, i) => [key, i])) : undefined;
  const ranked = inside.map((pair) => {
    if (pair[1].own?.unknownKey) return { pair, rank: -1 };
    const at = index ? (index.get(pair[0]) ?? -1) : keys.indexOf(pair[0]);
    return { pair, rank: at < 0 ? keys.length : at };
  });
  if (ranked.length > 1) ranked.sort((a, b) => a.rank - b.rank);
  for (const { pair } of ranked) listOne(pair[1], object[pair[0]], dot + showKey(pair[0]), lines);
}

/** Most places hold one problem and nothing inside: a line, without a call of list. */
function listOne(place: Place, value: unknown, shown: string, lines: string[]) {
  if (place.inside || place.after) list(place, value, shown, lines);
  else if (place.own) lines.push(`${shown}: ${place.own.message}`);
}

/** Whole milliseconds of a duration that checkDuration has passed. */
export const durationMs = (text: string): number => Math.round(parseDuration(text) ?? Number.NaN);

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? node[segment] : undefined;
    else node = isObject(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
  }
  return node;
}
