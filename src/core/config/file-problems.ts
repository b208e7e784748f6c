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
  /** Where, as a JSON Pointer (`/services/0/pool`), as the validator names a place. */
  readonly at: string;
  message: string;
  /** The path as shown. */
  readonly shown: string;
}

/** A place's first and last problem in the list. */
interface Bounds {
  first: Problem;
  last: Problem;
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
const INDEX = /^\d+$/;
const parentOf = (at: string) => at.slice(0, at.lastIndexOf('/'));

/**
 * A place the validator names. It goes only into keys the schema knows (plain names, shown as they are),
 * so a number is an index.
 */
function showPointer(at: string): string {
  let shown = '';
  let start = 1;
  while (start <= at.length && at !== '') {
    let end = at.indexOf('/', start);
    if (end < 0) end = at.length;
    const token = at.slice(start, end);
    const first = token.charCodeAt(0);
    if (first >= 48 && first <= 57) shown += `[${token}]`;
    else shown += shown ? `.${unescape(token)}` : unescape(token);
    start = end + 1;
  }
  return shown;
}

/** How far back a problem looks among the entries before its own for one to follow. */
const SIBLINGS_LOOKED_AT = 64;

/**
 * Every problem of one file, each with its path, so that one run shows them all: those of the file's JSON
 * Schema (through its generated validator) and those of the rules a schema cannot state. They are listed
 * in the order the schema describes the file, a missing key and then a misspelt one first within their
 * object; a problem beyond the schema goes beside the problems of its part of the file.
 *
 * Plain arrays and strings, no structure per place: a file may have ten thousand problems, and the
 * code runs cold.
 */
export class FileProblems {
  /** In the order they are listed. */
  private readonly problems: Problem[] = [];
  /** For every place with problems in it (built when first asked). */
  private bounds?: Map<string, Bounds>;
  /** Each place's own problem (built when first asked). */
  private index?: Map<string, Problem>;
  private readonly raw: unknown;

  constructor(raw: unknown) {
    this.raw = raw;
  }

  /** Runs a generated validator over the file and takes its errors, one problem a place. */
  check(validate: SchemaValidator): this {
    if (validate(this.raw)) return this;
    for (const error of validate.errors ?? []) {
      const { keyword, instancePath, parentSchema } = error;
      const key = keyword === 'required' ? error.params.missingProperty : error.params.additionalProperty;
      if (key !== undefined && (keyword === 'required' || keyword === 'additionalProperties')) {
        const shown = showPointer(instancePath);
        const title = parentSchema?.properties?.[key]?.title;
        const allowed = Object.keys(parentSchema?.properties ?? {}).filter((k) => k !== '$schema');
        this.push(
          `${instancePath}/${escape(key)}`,
          keyword === 'required'
            ? `missing${title ? ` (${title})` : ''}`
            : `unknown key (allowed: ${allowed.join(', ')})`,
          `${shown}${shown ? '.' : ''}${showKey(key)}`,
        );
      } else {
        this.push(instancePath, `${expected(parentSchema)}, got ${describe(error.data)}`);
      }
    }
    return this;
  }

  /**
   * Adds a problem, or replaces the schema's at the same place with a more telling one. With `after`, the
   * problem goes after everything inside that place, and several may share a path.
   */
  add(path: KeyPath, message: string, after?: KeyPath): void {
    const at = pointer(path);
    const own = after ? undefined : this.ownProblems().get(at);
    if (own) {
      own.message = message;
      return;
    }
    const problem: Problem = { at, message, shown: showPath(path) };
    const { beside, before } = this.placeFor(after ? pointer(after) : at);
    const bounds = this.placeBounds();
    if (beside) this.problems.splice(this.problems.indexOf(beside) + (before ? 0 : 1), 0, problem);
    else this.problems.push(problem);
    if (!after) this.ownProblems().set(at, problem);
    for (let place = at; ; place = parentOf(place)) {
      const known = bounds.get(place);
      if (!known) bounds.set(place, { first: problem, last: problem });
      else if (before) {
        if (known.first === beside) known.first = problem;
      } else if (!beside || known.last === beside) known.last = problem;
      if (place === '') break;
    }
  }

  /** Whether the place, or anything in it, has a problem. */
  has(path: KeyPath): boolean {
    return path.length > 0 && this.placeBounds().has(pointer(path));
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

  /** Throws every problem, in order, as one InputFileError labelled `file`. */
  throwIfAny(file: string): void {
    if (this.problems.length === 0) return;
    throw new InputFileError(
      file,
      this.problems.map((p) => (p.shown ? `${p.shown}: ${p.message}` : p.message)),
    );
  }

  /** A validator's problem; a oneOf or anyOf reports its branches' errors and then its own, which words it best. */
  private push(at: string, message: string, shown = showPointer(at)): void {
    const previous = this.problems.at(-1);
    if (previous?.at === at) previous.message = message;
    else this.problems.push({ at, message, shown });
  }

  /**
   * Where a problem at or after a place goes: after the last problem in that place or, going outwards,
   * in the nearest entry before it; before the first problem of the list around it; else last.
   */
  private placeFor(at: string): { beside?: Problem; before?: boolean } {
    const bounds = this.placeBounds();
    for (let place = at; place !== ''; place = parentOf(place)) {
      const here = bounds.get(place);
      if (here) return { beside: here.last };
      const entry = place.slice(place.lastIndexOf('/') + 1);
      if (!INDEX.test(entry)) continue;
      const around = parentOf(place);
      for (let i = Number(entry) - 1; i >= 0 && i >= Number(entry) - SIBLINGS_LOOKED_AT; i--) {
        const sibling = bounds.get(`${around}/${i}`);
        if (sibling) return { beside: sibling.last };
      }
      const list = bounds.get(around);
      if (list) return { beside: list.first, before: true };
    }
    return {};
  }

  private placeBounds(): Map<string, Bounds> {
    if (this.bounds) return this.bounds;
    const bounds = new Map<string, Bounds>();
    for (const problem of this.problems) {
      for (let place = problem.at; ; place = parentOf(place)) {
        const known = bounds.get(place);
        if (known) known.last = problem;
        else bounds.set(place, { first: problem, last: problem });
        if (place === '') break;
      }
    }
    return (this.bounds = bounds);
  }

  private ownProblems(): Map<string, Problem> {
    return (this.index ??= new Map(this.problems.map((p) => [p.at, p])));
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
