import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InputFileError, PooltuneError, UsageError } from '../../src/core/errors.js';
import { COUNT_RANGES, parseCount, type CountRange } from '../../src/core/numbers.js';
import { parsePlanConfig, type PlanConfig } from '../../src/core/plan/config.js';
import { parseSchemaSpec } from '../../src/core/schema/spec.js';
import type { SchemaSpec } from '../../src/core/schema/types.js';
import { parseDuration, parseSize } from '../../src/core/units.js';
import { parseWorkloadPreset, type WorkloadPreset } from '../../src/core/workload.js';
import {
  parseConnectionUrl,
  resolveTarget,
  SSL_MODES,
  type ConnectionTarget,
} from '../../src/probes/target.js';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths.js';
import { seededRandom } from '../../src/core/bench/load.js';

/**
 * A fuzz pass over the pure parsers: random JSON, mutated valid examples and random strings. Every call
 * must return a well-formed value or throw a PooltuneError (UsageError / InputFileError) whose message and
 * problems are one bounded line each; never a TypeError, RangeError or a slow (super-linear) parse.
 *
 * Deterministic: FUZZ_SEED=<n> replays a run, and every failure names the seed and the case.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
/** A parse that takes longer than this on one input is a regular-expression blow-up, not a slow machine. */
const SLOW_MS = 250;
/**
 * The CPU time this process has used: a busy machine (the other test files run beside this one) delays a
 * parse without making it do more work, so the limit is on the work.
 */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The longest line a message may be: a 100 000-character value must be shortened, not echoed. */
const MAX_LINE = 600;

/** A seeded stream, so that a failure names the case that reproduces it. */
const rng = seededRandom;

const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];
const ODD_CHARS = [
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\ud800',
  '😀',
  '١',
  '５',
  'é',
  '"',
  "'",
  '\\',
  '%',
  '%00',
  '%zz',
  '/',
  ':',
  '@',
  '?',
  '#',
  '[',
  ']',
  '(',
  ')',
  ' ',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  -1.5,
  1e-320,
  5e-324,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  10_000,
  10_001,
  100_000,
  100_001,
  262_143,
  262_144,
  65_535,
  65_536,
];
const DURATION_WORDS = [
  '0',
  '1',
  '5',
  's',
  'ms',
  'us',
  'min',
  'm',
  'h',
  'd',
  'S',
  'MS',
  'sec',
  'ns',
  '1e3',
  'NaN',
  'Infinity',
  '-',
  '.',
  '0x10',
  '0o7',
  '+',
];
const SIZE_WORDS = ['B', 'kB', 'KB', 'MB', 'mb', 'GB', 'TB', 'PB', 'k', 'K'];

class Gen {
  readonly next: () => number;
  constructor(next: () => number) {
    this.next = next;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** Mostly short strings; sometimes very long ones, odd characters, digits and units. */
  string(): string {
    const roll = this.next();
    if (roll < 0.02) return this.pick(['x', '7', ' ', '[]', '1 ', ':', '(']).repeat(1000 + this.int(100_000));
    if (roll < 0.12) return this.pick(SPECIAL_KEYS);
    const pieces: string[] = [];
    const length = this.int(8);
    for (let i = 0; i < length; i++) {
      const kind = this.int(6);
      if (kind === 0) pieces.push(this.pick(ODD_CHARS));
      else if (kind === 1) pieces.push(String(this.pick(NUMBERS)));
      else if (kind === 2) pieces.push(this.pick(DURATION_WORDS));
      else if (kind === 3) pieces.push(this.pick(SIZE_WORDS));
      else if (kind === 4) pieces.push(String.fromCodePoint(this.int(0x11_0000)));
      else pieces.push(this.pick(['a', 'app', 'db', 'x', 'oltp', 'name', 'text']));
    }
    return pieces.join('');
  }
  number(): number {
    return this.chance(0.6) ? this.pick(NUMBERS) : (this.next() - 0.5) * 10 ** this.int(25);
  }
  key(): string {
    return this.chance(0.3) ? this.pick(SPECIAL_KEYS) : this.string().slice(0, 30);
  }
  json(depth = 0): unknown {
    const roll = this.int(depth > 4 ? 5 : 8);
    switch (roll) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
      case 3:
        return this.number();
      case 4:
        return this.string();
      case 5:
        return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
      default: {
        const obj: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) define(obj, this.key(), this.json(depth + 1));
        return obj;
      }
    }
  }
  /** A value nested `levels` deep in arrays or objects. */
  deep(levels: number): unknown {
    let value: unknown = this.json(5);
    for (let i = 0; i < levels; i++) value = this.chance(0.5) ? [value] : { [this.key()]: value };
    return value;
  }
  /** Changes one thing somewhere in a JSON value: drop, retype, replace, add or nest. */
  mutate(value: unknown, depth = 0): unknown {
    if (Array.isArray(value)) {
      const copy = [...(value as unknown[])];
      if (copy.length > 0 && this.chance(0.7)) {
        const i = this.int(copy.length);
        copy[i] = this.mutate(copy[i], depth + 1);
      } else if (this.chance(0.5))
        copy.push(this.chance(0.5) ? copy[0] : this.json(depth)); // duplicates too
      else copy.splice(this.int(copy.length + 1), 1);
      return copy;
    }
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) define(copy, k, v);
      const keys = Object.keys(copy);
      const roll = this.int(10);
      if (keys.length > 0 && roll < 2) delete copy[this.pick(keys)];
      else if (keys.length > 0 && roll < 8) {
        const k = this.pick(keys);
        define(copy, k, this.mutate(copy[k], depth + 1));
      } else define(copy, this.key(), this.json(depth));
      return copy;
    }
    const roll = this.int(7);
    if (roll === 0) return this.json(depth);
    if (roll === 1) return this.number();
    if (roll === 2) return this.string();
    if (roll === 3 && typeof value === 'number') return this.pick([-value, value + 0.5, value * 1e6, -1, 0]);
    if (roll === 4 && typeof value === 'string') return value + this.pick(ODD_CHARS);
    if (roll === 5 && typeof value === 'string')
      return this.pick(['', ' ', value.toUpperCase(), `-${value}`, `${value}${value}`]);
    return this.deep(1 + this.int(this.chance(0.05) ? 5000 : 30));
  }
  /** Applies several mutations in a row. */
  mutateMany(value: unknown): unknown {
    let out = value;
    for (let i = 1 + this.int(3); i > 0; i--) out = this.mutate(out);
    return out;
  }
}

/** An own, enumerable property even for `__proto__`, as JSON.parse makes it. */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

function assertOneLine(text: string, what: string): void {
  assert.ok(!/[\n\r\u2028\u2029]/.test(text), `${what} spans lines: ${preview(text)}`);
  assert.ok(text.length <= MAX_LINE, `${what} is ${text.length} characters long: ${preview(text)}`);
}

/** The error a parser may throw: one of pooltune's own, on one bounded line per message and problem. */
function assertPooltuneError(error: unknown): void {
  if (!(error instanceof PooltuneError)) throw error;
  assert.ok(error instanceof UsageError || error instanceof InputFileError, `unexpected ${error.name}`);
  assert.equal(error.exitCode, 2);
  assertOneLine(error.message, 'message');
  if (error instanceof InputFileError) {
    assert.ok(error.problems.length > 0, 'an InputFileError lists its problems');
    for (const problem of error.problems) assertOneLine(problem, 'problem');
  }
}

/**
 * Runs `parse` on `count` generated inputs. A failure names the seed, the case and the input, so that
 * `FUZZ_SEED=<seed>` replays it.
 */
function fuzz<I, O>(
  name: string,
  count: number,
  generate: (g: Gen, i: number) => I,
  parse: (input: I) => O,
  check: (output: O, input: I) => void,
  corpus: readonly I[] = [],
): { accepted: number; rejected: number } {
  const seed = (SEED ^ hash(name)) >>> 0;
  const g = new Gen(rng(seed));
  let accepted = 0;
  let rejected = 0;
  const failures = new Map<string, string>();
  for (let i = 0; i < corpus.length + count; i++) {
    const input = i < corpus.length ? (corpus[i] as I) : generate(g, i);
    const started = cpuMs();
    try {
      let output: O;
      try {
        output = parse(input);
      } catch (error) {
        assertPooltuneError(error);
        rejected++;
        continue;
      } finally {
        const ms = cpuMs() - started;
        assert.ok(ms < SLOW_MS, `took ${ms.toFixed(0)}ms of CPU`);
      }
      check(output, input);
      // The flag parsers say "no" with undefined rather than an error.
      if (output === undefined) rejected++;
      else accepted++;
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // One report per kind of failure: the first line, numbers and quoted text aside.
      const kind = (detail.split('\n')[0] ?? '').replace(/"[^"]*"|\d+/g, '…');
      const which = i < corpus.length ? `corpus case ${i}` : `case ${i - corpus.length}`;
      if (!failures.has(kind)) failures.set(kind, `${which}\n  input: ${preview(input)}\n  ${detail}`);
    }
  }
  if (failures.size > 0) {
    assert.fail(
      `${name}: ${failures.size} kind(s) of failure (FUZZ_SEED=${SEED}, parser seed ${seed})\n` +
        [...failures.values()]
          .slice(0, 8)
          .map((f) => f.split('\n').slice(0, 4).join('\n'))
          .join('\n\n'),
    );
  }
  return { accepted, rejected };
}

function hash(text: string): number {
  let h = 2_166_136_261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16_777_619);
  return h >>> 0;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const PRESET_EXAMPLES = ['oltp', 'batch', 'microservice'].map((n) =>
  readJson(`${REPO_ROOT}workloads/${n}.json`),
);
PRESET_EXAMPLES.push(readJson(`${FIXTURES_DIR}small-service.json`), {
  name: 'checkout-api',
  maxConnections: 12,
  minConnections: 3,
  minConnectionsFraction: 0.25,
  acquireTimeout: '1500ms',
  queryTimeout: '3s',
  idleTimeout: '2min',
  maxLifetime: '30min',
  testBeforeAcquire: false,
  retries: { maxRetries: 3, baseDelay: '100ms', maxDelay: '2s' },
});
const PLAN_EXAMPLE = {
  $schema: './node_modules/pooltune/schemas/pooltune.config.schema.json',
  target: { urlEnv: 'APP_DATABASE_URL' },
  workload: 'oltp',
  failOn: 'critical',
  ignore: [{ id: 'work-mem-low', service: 'api', reason: 'measured' }],
  pooler: { serverLifetime: '1h', serverIdleTimeout: '10min' },
  services: [
    {
      name: 'api',
      workload: 'oltp',
      concurrency: 8,
      instances: 6,
      pool: {
        maxConnections: 10,
        minConnections: 2,
        acquireTimeout: '2s',
        idleTimeout: '5min',
        maxLifetime: '30min',
        queryTimeout: '5s',
      },
    },
    { name: 'worker', workload: './presets/worker.json', instances: 2, pool: { maxConnections: 10 } },
  ],
};
const SPEC_EXAMPLE = readJson(`${FIXTURES_DIR}schema-spec.example.json`);

/** What a file parser is fed: mostly mutated examples, some random JSON, some deep nesting. */
function fileInput(g: Gen, examples: readonly unknown[]): unknown {
  const roll = g.next();
  if (roll < 0.7) return g.mutateMany(g.pick(examples));
  if (roll < 0.9) return g.json();
  return g.deep(1 + g.int(g.chance(0.2) ? 10_000 : 50));
}

const isWholeIn = (n: unknown, min: number, max: number) =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
const isTimeout = (ms: unknown) =>
  typeof ms === 'number' && Number.isInteger(ms) && ms >= 1 && ms <= 2 ** 31 - 1;

function checkPreset(preset: WorkloadPreset): void {
  const { pool } = preset;
  assert.ok(typeof preset.name === 'string' && preset.name !== '', 'a name');
  assert.ok(isWholeIn(pool.maxConnections, 1, 10_000), 'maxConnections');
  assert.ok(isWholeIn(pool.minConnections, 0, pool.maxConnections), 'minConnections ≤ maxConnections');
  assert.ok(preset.minConnectionsFraction >= 0 && preset.minConnectionsFraction <= 1, 'fraction in [0, 1]');
  assert.ok(isTimeout(pool.acquireTimeoutMs), `acquireTimeoutMs ${pool.acquireTimeoutMs}`);
  for (const ms of [pool.queryTimeoutMs, pool.idleTimeoutMs, pool.maxLifetimeMs])
    assert.ok(ms === null || isTimeout(ms), `timeout ${ms}`);
  assert.equal(typeof pool.testBeforeAcquire, 'boolean');
  assert.ok(isWholeIn(pool.retries.maxRetries, 0, 100), 'maxRetries');
  assert.ok(isTimeout(pool.retries.baseDelayMs) && isTimeout(pool.retries.maxDelayMs), 'retry delays');
  assert.ok(pool.retries.baseDelayMs <= pool.retries.maxDelayMs, 'baseDelay ≤ maxDelay');
}

function checkPlan(plan: PlanConfig): void {
  assert.ok(Array.isArray(plan.services) && Array.isArray(plan.ignore));
  const names = new Set<string>();
  for (const s of plan.services) {
    assert.ok(typeof s.name === 'string' && s.name.trim() !== '', 'service name');
    assert.ok(!names.has(s.name), 'service names are unique');
    names.add(s.name);
    assert.ok(isWholeIn(s.instances, 1, 100_000), 'instances');
    assert.ok(s.concurrency === undefined || isWholeIn(s.concurrency, 1, 100_000), 'concurrency');
    assert.ok(isWholeIn(s.pool.maxConnections, 1, 100_000), 'pool.maxConnections');
    assert.ok(s.pool.minConnections === undefined || isWholeIn(s.pool.minConnections, 0, 100_000));
    for (const ms of [
      s.pool.acquireTimeoutMs,
      s.pool.idleTimeoutMs,
      s.pool.maxLifetimeMs,
      s.pool.queryTimeoutMs,
    ])
      assert.ok(ms === undefined || ms === null || (Number.isSafeInteger(ms) && ms >= 1), `duration ${ms}`);
  }
  for (const ms of [plan.pooler?.serverLifetimeMs, plan.pooler?.serverIdleTimeoutMs])
    assert.ok(ms === undefined || (Number.isSafeInteger(ms) && ms >= 1), `pooler duration ${ms}`);
  for (const rule of plan.ignore) {
    assert.ok(rule.id.trim() !== '' && rule.reason.trim() !== '');
    assert.ok(rule.service === undefined || names.has(rule.service), 'ignore names a known service');
  }
  assert.ok(plan.urlEnv === undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(plan.urlEnv), 'urlEnv');
}

function checkSpec(spec: SchemaSpec): void {
  assert.ok(spec.tables.length > 0, 'at least one table');
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  const named = (s: unknown) => typeof s === 'string' && s !== '' && bytes(s) <= 63;
  assert.ok(spec.schema === undefined || named(spec.schema), 'schema name');
  const tables = new Set<string>();
  for (const t of spec.tables) {
    assert.ok(named(t.name) && !tables.has(t.name), `table ${t.name}`);
    tables.add(t.name);
    for (const c of t.columns) {
      assert.ok(named(c.name), 'column name');
      assert.ok(c.type === undefined || (typeof c.type === 'string' && c.type !== ''), 'column type');
    }
    for (const x of t.indexes) assert.ok(named(x.name) && (x.columns ?? ['ok']).every(named), 'index');
    assert.ok((t.primaryKey ?? ['ok']).every(named), 'primary key');
  }
}

/** Random text for the flag parsers: numbers in every spelling, units, odd characters, long runs. */
function flagText(g: Gen): string {
  const roll = g.next();
  if (roll < 0.3)
    return `${g.chance(0.2) ? ' ' : ''}${String(g.number())}${g.chance(0.5) ? g.pick(DURATION_WORDS.concat(SIZE_WORDS)) : ''}`;
  if (roll < 0.4)
    return `${g.int(1000)}${g.pick(['', '.', '.5', '.25', '.0001'])}${g.chance(0.2) ? ' ' : ''}${g.pick(DURATION_WORDS.concat(SIZE_WORDS))}`;
  if (roll < 0.45) return `1${' '.repeat(g.int(60_000))}${g.pick(['!', 'x', '\u0000', 's!'])}`;
  if (roll < 0.5) return '9'.repeat(1 + g.int(400)) + g.pick(['', 's', 'ms', 'GB']);
  return g.string();
}

const URL_PARTS = {
  scheme: [
    'postgres://',
    'postgresql://',
    'POSTGRES://',
    'mysql://',
    'postgres:',
    'postgres:/',
    '',
    'http://',
    'postgres:///',
  ],
  user: ['', 'app@', 'app:secret@', ':pw@', '%00@', 'a%zz@', '@', 'a:b:c@', 'ü@', '%F0%9F%98%80@'],
  host: [
    'db',
    '127.0.0.1',
    '[::1]',
    '[::1',
    'db.internal',
    '',
    'ho st',
    '%2Ftmp',
    '999.1.1.1',
    'xn--nxasmq6b',
    '\u0000',
  ],
  port: [
    '',
    ':5432',
    ':0',
    ':65535',
    ':65536',
    ':-1',
    ':0x10',
    ':1e3',
    ':',
    ':٥٤٣٢',
    ':99999999999999999999',
  ],
  path: ['', '/', '/app', '/my%20db', '/%00', '/%zz', '/a/b', '/\n', '/x\ty'],
  param: [
    'sslmode=require',
    'sslmode=bogus',
    'sslmode=',
    'host=/tmp',
    'host=',
    'port=6432',
    'port=0',
    'port=',
    'user=x',
    'user=',
    'dbname=',
    'dbname=d',
    'password=p',
    'connect_timeout=0',
    'connect_timeout=5',
    'connect_timeout=-1',
    'connect_timeout=1e3',
    'connect_timeout=',
    'sslrootcert=/ca.pem',
    'application_name=x',
    'options=-c%20x',
    'foo=bar',
    '__proto__=1',
    'constructor=1',
    '%zz=1',
    '=',
    '&',
  ],
};

function urlText(g: Gen): string {
  if (g.chance(0.1)) return g.string();
  const long = (part: string) => (g.chance(0.03) ? part + 'x'.repeat(70_000) : part);
  const params = Array.from({ length: g.int(3) }, () => g.pick(URL_PARTS.param));
  let text =
    g.pick(URL_PARTS.scheme) +
    long(g.pick(URL_PARTS.user)) +
    long(g.pick(URL_PARTS.host)) +
    g.pick(URL_PARTS.port) +
    long(g.pick(URL_PARTS.path)) +
    (params.length > 0 ? `?${params.join('&')}` : '');
  if (g.chance(0.2)) {
    const at = g.int(text.length + 1);
    text = text.slice(0, at) + g.pick(ODD_CHARS) + text.slice(at);
  }
  return g.chance(0.1) ? ` ${text} ` : text;
}

interface TargetCase {
  readonly db: string | undefined;
  readonly env: Record<string, string>;
  readonly urlEnv: string | undefined;
}

function checkTarget(t: ConnectionTarget, input: TargetCase): void {
  if (input.db !== undefined) {
    assert.equal(t.source, '--db');
    // The URL parser drops newlines and tabs; pooltune must refuse them instead of connecting elsewhere.
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f]/.test(input.db.trim()), 'a --db with control characters is refused');
  } else if (!Object.hasOwn(input.env, input.urlEnv ?? 'DATABASE_URL')) {
    assert.equal(
      t.source,
      'PG* environment',
      'an unset variable (even `constructor`) leaves the PG* variables',
    );
  }
  assert.ok(t.host.startsWith('/') || t.host.length <= 253, 'a host name has at most 253 characters');
  assert.ok(typeof t.host === 'string' && t.host !== '', `host ${preview(t.host)}`);
  assert.ok(isWholeIn(t.port, 1, 65_535), `port ${t.port}`);
  assert.ok(typeof t.user === 'string' && t.user !== '', 'user');
  assert.ok(typeof t.database === 'string' && t.database !== '', 'database');
  assert.ok((SSL_MODES as readonly string[]).includes(t.sslMode), 'sslMode');
  assert.ok(
    t.connectTimeoutMs === undefined || (Number.isSafeInteger(t.connectTimeoutMs) && t.connectTimeoutMs > 0),
  );
  for (const text of [t.host, t.user, t.database, t.password ?? ''])
    assert.ok(!text.includes('\u0000'), 'no NUL: libpq and the protocol cannot carry one');
}

const ENV_KEYS = [
  'PGHOST',
  'PGPORT',
  'PGUSER',
  'PGDATABASE',
  'PGPASSWORD',
  'PGSSLMODE',
  'PGSSLROOTCERT',
  'PGCONNECT_TIMEOUT',
];
const ENV_VALUES = [
  '',
  '0',
  '5432',
  '0x10',
  '-1',
  'require',
  'bogus',
  '/tmp',
  'db',
  'x'.repeat(100),
  '\n',
  '5',
];

/** Inputs that once crashed, hung or slipped through; they run before the random cases. */
const SPACES = `1${' '.repeat(100_000)}!`;
const PRESET_CORPUS: unknown[] = [
  { maxConnections: 5, acquireTimeout: '0.1us' },
  { maxConnections: 5, queryTimeout: '30d' },
  { maxConnections: 5, retries: { maxDelay: SPACES } },
  { maxConnections: 5, ['a\nb\u001b[31m']: 1, ['x'.repeat(100_000)]: 1 },
  JSON.parse('{"maxConnections": 5, "__proto__": {"minConnections": 9}, "constructor": 1}'),
  { maxConnections: 5, name: 'a\u2028b', minConnections: 6 },
];
const PLAN_CORPUS: unknown[] = [
  { target: { url: `x://${':'.repeat(100_000)}` } },
  { target: { urlEnv: 'constructor' } },
  {
    services: [
      { name: 'a', workload: 'nope', instances: 1, pool: { maxConnections: 1, acquireTimeout: '0.4ms' } },
    ],
  },
  {
    services: [{ name: 'a\n', instances: 1, pool: { maxConnections: 1 } }],
    ignore: [{ id: 'x', reason: 'y', service: 'b\r' }],
  },
  { ignore: Array.from({ length: 5000 }, () => ({ id: '', reason: '' })) },
];
const SPEC_CORPUS: unknown[] = [
  { tables: [{ name: 't', columns: [{ name: 'c', type: `${'[]'.repeat(50_000)}x` }] }] },
  { tables: [{ name: 't', columns: [{ name: 'c', type: `int${' array'.repeat(20_000)}x` }] }] },
  { tables: [{ name: 'x'.repeat(100_000) }], ['\u0000']: 1 },
  JSON.parse(
    '{"tables": [{"name": "__proto__", "columns": [{"name": "constructor"}, {"name": "constructor"}]}]}',
  ),
];
const FLAG_CORPUS = [
  SPACES,
  `1${'\t'.repeat(100_000)}s\u0000`,
  '0.1us',
  '0.4ms',
  '1e308s',
  '9'.repeat(400),
  '0x10',
  '١٢s',
  '５s',
];
const URL_CORPUS: TargetCase[] = [
  { db: 'postgres://x@127.0.0.1:1/x\nfoo', env: {}, urlEnv: undefined },
  { db: 'postgres://x@127.0.0.1:1/%00', env: {}, urlEnv: undefined },
  { db: 'postgres://x@127.0.0.1:1/x?host=', env: {}, urlEnv: undefined },
  { db: 'postgres://x@127.0.0.1:1/x?connect_timeout=0', env: {}, urlEnv: undefined },
  { db: `postgres://${'7'.repeat(100_000)}/x`, env: {}, urlEnv: undefined },
  { db: `postgres://x@h/${'d'.repeat(100_000)}`, env: {}, urlEnv: undefined },
  { db: undefined, env: { PGCONNECT_TIMEOUT: '0' }, urlEnv: 'constructor' },
  { db: undefined, env: {}, urlEnv: 'toString' },
];

describe('parser fuzz (seeded)', () => {
  const counts: Record<string, { accepted: number; rejected: number }> = {};
  const record = (name: string, result: { accepted: number; rejected: number }) => {
    counts[name] = result;
    return result;
  };

  it('parseWorkloadPreset', () => {
    const r = record(
      'parseWorkloadPreset',
      fuzz(
        'parseWorkloadPreset',
        CASES,
        (g) => fileInput(g, PRESET_EXAMPLES),
        (raw) => parseWorkloadPreset(raw, 'preset.json', 'preset'),
        checkPreset,
        PRESET_CORPUS,
      ),
    );
    assert.ok(r.accepted > 50 && r.rejected > 50, `both outcomes explored: ${JSON.stringify(r)}`);
  });

  it('parsePlanConfig', () => {
    const r = record(
      'parsePlanConfig',
      fuzz(
        'parsePlanConfig',
        CASES,
        (g) => fileInput(g, [PLAN_EXAMPLE]),
        (raw) => parsePlanConfig(raw, 'pooltune.config.json'),
        checkPlan,
        PLAN_CORPUS,
      ),
    );
    assert.ok(r.accepted > 50 && r.rejected > 50, `both outcomes explored: ${JSON.stringify(r)}`);
  });

  it('parseSchemaSpec', () => {
    const r = record(
      'parseSchemaSpec',
      fuzz(
        'parseSchemaSpec',
        CASES,
        (g) => fileInput(g, [SPEC_EXAMPLE]),
        (raw) => parseSchemaSpec(raw, 'spec.json', 'spec'),
        checkSpec,
        SPEC_CORPUS,
      ),
    );
    assert.ok(r.accepted > 50 && r.rejected > 50, `both outcomes explored: ${JSON.stringify(r)}`);
  });

  it('parseDuration', () => {
    const r = record(
      'parseDuration',
      fuzz(
        'parseDuration',
        CASES * 2,
        flagText,
        parseDuration,
        (ms, text) => {
          if (ms === undefined) return;
          assert.ok(Number.isFinite(ms) && ms >= 0 && ms <= Number.MAX_SAFE_INTEGER, `${ms}`);
          if (ms === 0) assert.match(text.trim(), /^0+(\.0+)?\s*[a-z]*$/, 'only a zero amount is zero');
        },
        FLAG_CORPUS,
      ),
    );
    assert.ok(r.accepted > 100, `some durations parse: ${JSON.stringify(r)}`);
  });

  it('parseSize', () => {
    const r = record(
      'parseSize',
      fuzz(
        'parseSize',
        CASES * 2,
        flagText,
        parseSize,
        (bytes) => {
          if (bytes !== undefined) assert.ok(Number.isSafeInteger(bytes) && bytes >= 0, `${bytes}`);
        },
        FLAG_CORPUS,
      ),
    );
    assert.ok(r.accepted > 100, `some sizes parse: ${JSON.stringify(r)}`);
  });

  it('parseCount, for every range the flags use', () => {
    const ranges = Object.values(COUNT_RANGES) as CountRange[];
    const r = record(
      'parseCount',
      fuzz(
        'parseCount',
        CASES * 2,
        (g) => ({ text: g.chance(0.3) ? String(g.int(300_000)) : flagText(g), range: g.pick(ranges) }),
        ({ text, range }) => parseCount(text, range),
        (n, { text, range }) => {
          if (n === undefined) return;
          assert.ok(isWholeIn(n, range.min, range.max), `${n} in ${range.min}..${range.max}`);
          assert.match(text.trim(), /^[0-9]+$/, 'only ASCII digits count');
        },
        FLAG_CORPUS.map((text) => ({ text, range: COUNT_RANGES.concurrency })),
      ),
    );
    assert.ok(r.accepted > 100, `some counts parse: ${JSON.stringify(r)}`);
  });

  it('parseConnectionUrl and resolveTarget', () => {
    const r = record(
      'resolveTarget',
      fuzz(
        'resolveTarget',
        CASES,
        (g): TargetCase => {
          const env: Record<string, string> = {};
          for (const key of ENV_KEYS) if (g.chance(0.15)) env[key] = g.pick(ENV_VALUES);
          const urlEnv = g.chance(0.1)
            ? g.pick(['APP_URL', ...SPECIAL_KEYS.filter((k) => k !== '')])
            : undefined;
          if (urlEnv !== undefined && g.chance(0.5)) env[urlEnv] = urlText(g);
          if (g.chance(0.2)) env.DATABASE_URL = urlText(g);
          return { db: g.chance(0.8) ? urlText(g) : undefined, env, urlEnv };
        },
        ({ db, env, urlEnv }) => {
          if (db !== undefined) {
            const parts = parseConnectionUrl(db, '--db');
            assert.ok(parts.port === undefined || isWholeIn(parts.port, 1, 65_535), 'parsed port');
          }
          return resolveTarget(db, env, urlEnv);
        },
        checkTarget,
        URL_CORPUS,
      ),
    );
    assert.ok(r.accepted > 100 && r.rejected > 100, `both outcomes explored: ${JSON.stringify(r)}`);
  });

  it('fuzzed every parser, and the seed replays the same run', (t) => {
    t.diagnostic(`seed ${SEED}: ${JSON.stringify(counts)}`);
    assert.deepEqual(Object.keys(counts), [
      'parseWorkloadPreset',
      'parsePlanConfig',
      'parseSchemaSpec',
      'parseDuration',
      'parseSize',
      'parseCount',
      'resolveTarget',
    ]);
    // What makes a failure's FUZZ_SEED worth reporting: the same seed generates the same cases.
    const again = fuzz('parseDuration', CASES * 2, flagText, parseDuration, () => undefined, FLAG_CORPUS);
    assert.deepEqual(again, counts.parseDuration);
  });
});
