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

/** A value as a problem quotes it: short, on one line, with control characters shown as escapes. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return printable(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

const PLAIN_KEY = /^[\w$]{1,40}$/;

/** `services[0].pool.maxConnections`; keys are echoed, since an unknown one is the user's text. */
export function showPath(path: KeyPath): string {
  let shown = '';
  for (const segment of path) {
    if (typeof segment === 'number') shown += `[${segment}]`;
    else shown += `${shown ? '.' : ''}${PLAIN_KEY.test(segment) ? segment : echo(segment, 40)}`;
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
  /** Where, as a JSON Pointer (`/services/0/pool`), which is how the validator names a place. */
  readonly at: string;
  readonly message: string;
  /** Orders the problem after everything inside this place (a name used twice, after its entry). */
  readonly after?: string;
  readonly unknownKey?: boolean;
}

// JSON Pointer escapes; most keys have nothing to escape, and that is the fast path.
const escape = (key: string) => (/[~/]/.test(key) ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key);
const unescape = (token: string) =>
  token.includes('~') ? token.replaceAll('~1', '/').replaceAll('~0', '~') : token;
const pointer = (path: KeyPath): string => path.map((s) => `/${escape(String(s))}`).join('');
const tokens = (at: string): string[] => (at === '' ? [] : at.slice(1).split('/').map(unescape));

/**
 * Every problem of one file, each with its path, so that one run shows them all: those of the file's JSON
 * Schema (through its generated validator) and those of the rules a schema cannot state. They are listed
 * in the order of the file, a misspelt key first within its object (it often explains a "missing" below).
 */
export class FileProblems {
  private readonly problems = new Map<string, Problem>();
  /** Every place that holds a problem, itself or below. */
  private readonly troubled = new Set<string>();
  private readonly raw: unknown;

  constructor(raw: unknown) {
    this.raw = raw;
  }

  /** Runs a generated validator over the file and takes its errors, one problem a place. */
  check(validate: SchemaValidator): this {
    if (validate(this.raw)) return this;
    for (const error of validate.errors ?? []) {
      const { missingProperty, additionalProperty } = error.params;
      if (error.keyword === 'additionalProperties' && additionalProperty !== undefined) {
        const allowed = Object.keys(error.parentSchema?.properties ?? {}).filter((k) => k !== '$schema');
        this.put({
          at: error.instancePath + pointer([additionalProperty]),
          message: `unknown key (allowed: ${allowed.join(', ')})`,
          unknownKey: true,
        });
      } else if (error.keyword === 'required' && missingProperty !== undefined) {
        const title = error.parentSchema?.properties?.[missingProperty]?.title;
        this.put({
          at: error.instancePath + pointer([missingProperty]),
          message: title ? `missing (${title})` : 'missing',
        });
      } else {
        // A oneOf or anyOf reports its branches' errors first and its own last, and its node words the
        // problem best; so, at one place, a later error replaces an earlier one.
        this.put({
          at: error.instancePath,
          message: `${expected(error.parentSchema)}, got ${describe(error.data)}`,
        });
      }
    }
    return this;
  }

  /**
   * Adds a problem, or replaces the schema's at the same place with a more telling one. With `after`, the
   * problem is listed after everything inside that place, and several may share a path.
   */
  add(path: KeyPath, message: string, after?: KeyPath): void {
    const at = pointer(path);
    if (after) this.put({ at, message, after: pointer(after) }, `#${this.problems.size}`);
    else this.put({ at, message });
  }

  /** Whether the place, or anything in it, has a problem. */
  has(path: KeyPath): boolean {
    return this.troubled.has(pointer(path));
  }

  /** The value at a place, if the file has it and it has no problem. */
  sound(path: KeyPath): unknown {
    return this.has(path) ? undefined : valueAt(this.raw, path);
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
    if (this.problems.size === 0) return;
    const order = new DocumentOrder(this.raw);
    const sorted = [...this.problems.values()]
      .map((problem) => {
        const place = order.place(problem.at);
        return { problem, place, key: order.key(problem, place) };
      })
      .sort((a, b) => compareKeys(a.key, b.key));
    throw new InputFileError(
      file,
      sorted.map(({ problem, place }) => {
        const shown = showPath(place);
        return shown ? `${shown}: ${problem.message}` : problem.message;
      }),
    );
  }

  private put(problem: Problem, suffix = ''): void {
    this.problems.set(problem.at + suffix, problem);
    for (let at = problem.at; !this.troubled.has(at); at = at.slice(0, at.lastIndexOf('/'))) {
      this.troubled.add(at);
      if (at === '') break;
    }
  }
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

/** Sort keys that put problems in the order of the file. */
class DocumentOrder {
  private readonly keyIndexes = new WeakMap<object, Map<string, number>>();
  private readonly raw: unknown;

  constructor(raw: unknown) {
    this.raw = raw;
  }

  /** A pointer as keys and indexes, walking the file to tell an index from a key. */
  place(at: string): KeyPath {
    let node = this.raw;
    return tokens(at).map((token) => {
      const segment = Array.isArray(node) ? Number(token) : token;
      node = valueAt(node, [segment]);
      return segment;
    });
  }

  key(problem: Problem, place: KeyPath): number[] {
    const anchor = problem.after === undefined ? place : this.place(problem.after);
    const key: number[] = [];
    let node = this.raw;
    anchor.forEach((segment, i) => {
      if (typeof segment === 'number') key.push(segment);
      else if (i === anchor.length - 1 && problem.unknownKey) key.push(-1);
      else key.push(this.keyIndex(node, segment));
      node = valueAt(node, [segment]);
    });
    if (problem.after) key.push(Infinity);
    return key;
  }

  /** A key's place among its object's keys; a missing key comes after those present. */
  private keyIndex(node: unknown, key: string): number {
    if (!isObject(node)) return 0;
    let indexes = this.keyIndexes.get(node);
    if (!indexes) {
      indexes = new Map(Object.keys(node).map((k, i) => [k, i]));
      this.keyIndexes.set(node, indexes);
    }
    return indexes.get(key) ?? indexes.size;
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
