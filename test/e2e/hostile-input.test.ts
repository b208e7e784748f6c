import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

/**
 * Hostile flag values and files for every command. Each must end in exit 2 with exactly one
 * `pooltune: error:` line that names the flag or file and what was expected (plus, where documented, hint
 * or problem-list lines), no stack trace, no control characters, no 100 000-character echo, and within a
 * few seconds. Commands that connect get an unreachable --db: a value that slips through shows as exit 3.
 *
 * The cases run in this process through `run(argv, io)`, as the executable does but without starting
 * Node hundreds of times; the few that need a process of their own say why and run the executable.
 */

const UNREACHABLE = 'postgres://x@127.0.0.1:1/x';
const DB = ['--db', UNREACHABLE];
const LONG = '7'.repeat(100_000);
const SPACES = `1${' '.repeat(99_998)}!`;
const TIME_LIMIT_MS = 5000;

const DIR = mkdtempSync(join(tmpdir(), 'pooltune-hostile-'));
/** A folder with a valid plan, so that preflight gets as far as connecting when a flag slips through. */
const PLAN_DIR = join(DIR, 'with-plan');
after(() => rmSync(DIR, { recursive: true, force: true }));

function write(name: string, content: string, dir = DIR): void {
  writeFileSync(join(dir, name), content);
}
mkdirSync(PLAN_DIR);
mkdirSync(join(DIR, 'a-folder'));
write(
  'pooltune.config.json',
  JSON.stringify({ services: [{ name: 'api', instances: 1, pool: { maxConnections: 5 } }] }),
  PLAN_DIR,
);
write('empty.json', '');
write('blank.json', ' \n\t\n');
write('not-json.json', '{maxConnections: 5}');
write('null.json', 'null');
write('array.json', '[1, 2]');
write('string.json', '"oltp"');
write('number.json', '1e308');
write('deep.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
write('deep-object.json', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
write('regular-file', 'x');
write('bom-preset.json', `\ufeff${JSON.stringify({ maxConnections: 5 })}`);
write('proto.json', '{"__proto__": {"maxConnections": 5}, "constructor": {"prototype": 1}}');
write(
  'preset-bad-values.json',
  JSON.stringify({
    maxConnections: 1e308,
    minConnections: -1,
    acquireTimeout: '0.1us',
    queryTimeout: '30d',
    idleTimeout: 5,
    maxLifetime: LONG,
    retries: { maxRetries: 2.5, baseDelay: 'NaNms' },
  }),
);
write('preset-min-above-max.json', JSON.stringify({ maxConnections: 5, minConnections: 6 }));
write('preset-odd-key.json', JSON.stringify({ maxConnections: 5, 'a\nb\u001b[2J': 1 }));
write(
  'plan-bad.json',
  JSON.stringify({
    workload: 'OLTP',
    services: [
      { name: 'api', workload: 'nope', instances: -1, pool: { maxConnections: 1e20 } },
      { name: 'api', instances: 1, pool: { maxConnections: 5, acquireTimeout: '0.4ms' } },
    ],
  }),
);
write('plan-no-services.json', JSON.stringify({ services: [] }));
write('plan-many-problems.json', JSON.stringify({ services: Array.from({ length: 3000 }, () => ({})) }));
write('plan-long-url.json', JSON.stringify({ target: { url: `x://${':'.repeat(100_000)}` } }));
write('plan-proto.json', '{"__proto__": {"services": []}, "constructor": 1}');
write(
  'spec-long-type.json',
  JSON.stringify({ tables: [{ name: 't', columns: [{ name: 'c', type: `${'[]'.repeat(50_000)}x` }] }] }),
);
write(
  'spec-bad.json',
  JSON.stringify({ schema: LONG, tables: [{ name: '' }, { name: 'a\nb', columns: {} }] }),
);

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** What the `pooltune: error:` line says. */
  readonly expect: RegExp;
  /** More that stderr must hold (the problem list). */
  readonly also?: readonly RegExp[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Why this case runs the executable rather than in this process. */
  readonly spawned?: string;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** commander's message for a value its parser refused. */
const invalid = (flag: string, expected: string) =>
  new RegExp(`^pooltune: error: option '${esc(flag)}' argument '.*' is invalid\\. ${expected}$`);
const shown = (value: string) => JSON.stringify(value).slice(0, 30);

/** The commands, each with the arguments that get it as far as connecting (or, for recommend, running). */
const COMMANDS = {
  recommend: { base: ['recommend', '-w', 'oltp'], cwd: DIR },
  'check-server': { base: ['check-server', ...DB], cwd: DIR },
  health: { base: ['health', ...DB], cwd: DIR },
  preflight: { base: ['preflight', ...DB], cwd: PLAN_DIR },
} as const;
type CommandName = keyof typeof COMMANDS;
const ALL = Object.keys(COMMANDS) as CommandName[];

function flagCases(
  command: CommandName,
  flag: string,
  display: string,
  expected: string,
  values: readonly string[],
): Case[] {
  const { base, cwd } = COMMANDS[command];
  return values.map((value) => ({
    name: `${command} ${flag} ${shown(value)}`,
    args: [...base, flag, value],
    expect: invalid(display, expected),
    cwd,
  }));
}

// Counts -----------------------------------------------------------------------------------------------
const COUNT_VALUES = [
  '',
  ' ',
  '\t',
  '1e308',
  '99999999999999999999',
  '9007199254740993',
  '-1',
  '-0',
  '0',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '0o17',
  '0b101',
  '1e3',
  '1.5',
  '1,000',
  '1_000',
  '+5',
  '٣',
  '５',
  '𝟓',
  '5\n6',
  '5\n',
  '\u001b[31m5',
  '5\u2028',
  '\u202e5',
  'five',
  LONG,
];
const countCases: Case[] = flagCases(
  'recommend',
  '--concurrency',
  '-c, --concurrency <n>',
  'Expected a whole number from 1 to 100000\\.',
  COUNT_VALUES,
);
const COUNT_FLAGS: [CommandName, string, string, number][] = [
  ['recommend', '--instances', '--instances <n>', 10_000],
  ['recommend', '--server-max-connections', '--server-max-connections <n>', 262_143],
  ['recommend', '--reserved-connections', '--reserved-connections <n>', 262_143],
  ['recommend', '--other-connections', '--other-connections <n>', 262_143],
  ['check-server', '--pool-max', '--pool-max <n>', 10_000],
  ['check-server', '--instances', '--instances <n>', 10_000],
  ['health', '--probe-connections', '--probe-connections <n>', 50],
  ['health', '--samples', '--samples <n>', 1_000_000],
  ['preflight', '--probe-connections', '--probe-connections <n>', 50],
  ['preflight', '--samples', '--samples <n>', 1_000_000],
];
for (const [command, flag, display, max] of COUNT_FLAGS) {
  const min = flag === '--reserved-connections' || flag === '--other-connections' ? 0 : 1;
  countCases.push(
    // The rest of COUNT_VALUES goes through the same parser; these check each flag's own wiring and range.
    ...flagCases(command, flag, display, `Expected a whole number from ${min} to ${max}\\.`, [
      '',
      '-1',
      String(max + 1),
      '0x10',
      '5\n6',
    ]),
  );
}

// Durations and sizes ---------------------------------------------------------------------------------
const DURATION_EXPECTED =
  '(Expected a duration such as 500ms, 5s, 10min or 1h, above 0 and at most 1d\\.|Expected at least 1ms\\.)';
const durationCases: Case[] = flagCases('health', '--duration', '--duration <duration>', DURATION_EXPECTED, [
  '',
  ' ',
  '0',
  '0s',
  '-5s',
  '5',
  '1e3s',
  'NaN',
  'Infinity',
  '1e308s',
  '99999999999999999999ms',
  '9007199254740993ms',
  '0.1us',
  '0.4ms',
  '2d',
  '25h',
  '5 parsecs',
  '5S',
  '5sec',
  '٥s',
  '５s',
  '5s\n',
  '5\ns',
  '\u001b[31m5s',
  '.5s',
  '5.s',
  '0x10s',
  `${LONG}s`,
  SPACES,
]);
const SOME_DURATIONS = ['', '0.1us', '2d', '1e3s', '5\ns'];
for (const command of ALL)
  durationCases.push(
    ...flagCases(
      command,
      '--connect-timeout',
      '--connect-timeout <duration>',
      DURATION_EXPECTED,
      SOME_DURATIONS,
    ),
  );
durationCases.push(
  ...flagCases(
    'health',
    '--idle-in-transaction-threshold',
    '--idle-in-transaction-threshold <duration>',
    DURATION_EXPECTED,
    SOME_DURATIONS,
  ),
  ...flagCases('preflight', '--duration', '--duration <duration>', DURATION_EXPECTED, SOME_DURATIONS),
);
const sizeCases = flagCases(
  'check-server',
  '--server-memory',
  '--server-memory <size>',
  'Expected a size such as 64kB, 4MB or 1GB\\.',
  [
    '',
    ' ',
    '0',
    '0B',
    '0.1B',
    '-1GB',
    '1e3MB',
    'NaN',
    'Infinity',
    '99999999TB',
    '9007199254740993B',
    '16gb',
    '16 GiB',
    '16G',
    '1PB',
    '٤GB',
    '4GB\n',
    '4\nGB',
    '\u001b[31m4GB',
    '0x10GB',
    `${LONG}MB`,
    LONG,
    SPACES,
  ],
);

// Choices ----------------------------------------------------------------------------------------------
const choiceCases: Case[] = [];
for (const command of ALL) {
  const full = command === 'recommend';
  choiceCases.push(
    ...flagCases(
      command,
      '--format',
      '--format <format>',
      'Allowed choices are text, json, markdown, github, junit, html\\.',
      full ? ['', ' ', 'JSON', 'json ', 'json\n', 'yaml', '\u001b[31mjson', LONG] : ['', 'JSON', LONG],
    ),
    ...flagCases(
      command,
      '--fail-on',
      '--fail-on <severity>',
      'Allowed choices are info, warning, critical, never\\.',
      full
        ? ['', 'CRITICAL', 'error', 'critical\n', '\u001b]0;x\u0007', LONG]
        : ['', 'CRITICAL', '\u001b]0;x\u0007'],
    ),
  );
}
choiceCases.push(
  ...flagCases(
    'recommend',
    '--emit',
    '--emit <library>',
    'Allowed choices are eventcore, eventcore-0\\.1, sqlx, node-postgres, hikari, json, env, pgbouncer\\.',
    ['', 'Eventcore', 'eventcore-0.2', 'json\nx', 'django', '\u001b[31mjson', LONG],
  ),
  ...['', 'bogus\nx', LONG].map((value) => ({
    name: `POOLTUNE_FAIL_ON=${shown(value)}`,
    args: COMMANDS.recommend.base,
    env: { POOLTUNE_FAIL_ON: value },
    spawned: "commander reads the option's variable from process.env, which a test cannot set per case",
    expect:
      /^pooltune: error: option '--fail-on <severity>' value '.*' from env 'POOLTUNE_FAIL_ON' is invalid\. Allowed choices are info, warning, critical, never\.$/,
  })),
);
const queryCases: Case[] = ['', ' ', '\n\t ', 'select 1\u0001', 'select\u001b[31m 1', 'select 1\u007f'].map(
  (value) => ({
    name: `health --query ${shown(value)}`,
    args: [...COMMANDS.health.base, '--query', value],
    expect:
      /^pooltune: error: option '--query <sql>' (is empty|holds a control character; expected a read-only SQL query)$/,
  }),
);

// Files ------------------------------------------------------------------------------------------------
type Role = 'workload' | 'config' | 'schema';
const WHAT: Record<Role, string> = {
  workload: 'workload file',
  config: 'config file',
  schema: 'schema spec file',
};
const NOT_OBJECT: Record<Role, string> = {
  workload: 'expected a JSON object with at least "maxConnections", got ',
  config: 'expected a JSON object, got ',
  schema: 'expected a JSON object with "tables", got ',
};
/** Where each file flag is taken; `full` gets every case, the others the cases in SOME_FILES. */
const FILE_FLAGS: [CommandName, `--${Role}`, Role, boolean][] = [
  ['recommend', '--workload', 'workload', true],
  ['check-server', '--workload', 'workload', false],
  ['recommend', '--config', 'config', false],
  ['check-server', '--config', 'config', false],
  ['preflight', '--config', 'config', true],
  ['health', '--schema', 'schema', true],
];
const SOME_FILES = ['empty', 'missing', 'a folder', '/dev/null', 'not JSON', 'null', 'a newline in the path'];
const EMPTY: Record<Role, string> = {
  workload:
    '--workload is empty; expected oltp, batch, microservice or the path of a preset file \\(\\.json\\)',
  config: '--config is empty; expected the path of a pooltune\\.config\\.json file',
  schema: '--schema is empty; expected eventcore or the path of a spec file \\(\\.json\\)',
};
const cannotRead = (role: Role, label: string, why: string) =>
  role === 'config' && why === 'no such file'
    ? `--config: no such file ${label}`
    : `${label}: cannot read the ${WHAT[role]} \\(${why}\\)`;
const fileCases: Case[] = [];
for (const [command, flag, role, full] of FILE_FLAGS) {
  const { base, cwd } = COMMANDS[command];
  // recommend takes --workload already in its base arguments; the later one wins.
  const file = (name: string, value: string, message: string, also?: RegExp[]) =>
    (full || SOME_FILES.includes(name)) &&
    fileCases.push({
      name: `${command} ${flag} ${name}`,
      args: [...base, flag, value],
      expect: new RegExp(`^pooltune: error: ${message}$`),
      cwd,
      ...(also ? { also } : {}),
    });
  file('empty', '', EMPTY[role]);
  file('whitespace', ' ', EMPTY[role]);
  file('missing', 'missing.json', cannotRead(role, 'missing\\.json', 'no such file'));
  file('missing folder', 'nope/missing.json', cannotRead(role, 'nope/missing\\.json', 'no such file'));
  file('a folder', `${DIR}/a-folder`, cannotRead(role, '.*a-folder', 'is a folder'));
  file(
    'through a file',
    `${DIR}/regular-file/x.json`,
    cannotRead(
      role,
      '.*regular-file/x\\.json',
      role === 'config' ? 'no such file' : 'a part of the path is not a folder',
    ),
  );
  file('/dev/null', '/dev/null', `.*dev/null: the ${WHAT[role]} is empty; expected a JSON object`);
  if (existsSync('/dev/zero'))
    file(
      '/dev/zero',
      '/dev/zero',
      `.*dev/zero: the ${WHAT[role]} is larger than 16MB; expected a small JSON file`,
    );
  file(
    'empty file',
    `${DIR}/empty.json`,
    `.*empty\\.json: the ${WHAT[role]} is empty; expected a JSON object`,
  );
  file(
    'blank file',
    `${DIR}/blank.json`,
    `.*blank\\.json: the ${WHAT[role]} is empty; expected a JSON object`,
  );
  file('not JSON', `${DIR}/not-json.json`, `.*not-json\\.json: not valid JSON: .+`);
  file('null', `${DIR}/null.json`, `.*null\\.json: ${NOT_OBJECT[role]}null`);
  file('an array', `${DIR}/array.json`, `.*array\\.json: ${NOT_OBJECT[role]}an array`);
  file('a string', `${DIR}/string.json`, `.*string\\.json: ${NOT_OBJECT[role]}"oltp"`);
  file('a number', `${DIR}/number.json`, `.*number\\.json: ${NOT_OBJECT[role]}1e\\+308`);
  file('deeply nested', `${DIR}/deep.json`, `.*deep\\.json: ${NOT_OBJECT[role]}an array`);
  file(
    '100 000-character path',
    `${LONG}.json`,
    role === 'config'
      ? `--config: no such file 7{60}…\\(100005 characters\\)`
      : `7{20,200}…\\(100005 characters\\): cannot read the ${WHAT[role]} \\(the path is too long\\)`,
  );
  file('a newline in the path', './a\nb.json', cannotRead(role, '\\./a\\\\nb\\.json', 'no such file'));
}
fileCases.push(
  // Names that are not files.
  ...['OLTP', 'oltp\n', '\u001b[31moltp', LONG].map((value) => ({
    name: `recommend --workload ${shown(value)}`,
    args: ['recommend', '--workload', value],
    cwd: DIR,
    expect:
      /^pooltune: error: --workload: unknown workload '.{1,90}'; expected oltp, batch, microservice or the path of a preset file \(\.json\)$/,
  })),
  ...['EventCore', 'eventcore\n', LONG].map((value) => ({
    name: `health --schema ${shown(value)}`,
    args: [...COMMANDS.health.base, '--schema', value],
    cwd: DIR,
    expect:
      /^pooltune: error: --schema: unknown schema '.{1,90}'; expected eventcore or the path of a spec file \(\.json\)$/,
  })),
  // Files with mistakes inside.
  {
    name: 'a preset made of prototype keys',
    args: ['recommend', '--workload', `${DIR}/proto.json`],
    expect: /^pooltune: error: .*proto\.json: 3 problems$/,
    also: [
      /proto\.json: __proto__: unknown key/,
      /proto\.json: constructor: unknown key/,
      /maxConnections: missing/,
    ],
  },
  {
    name: 'a preset with huge, negative, tiny and too long values',
    args: ['recommend', '--workload', `${DIR}/preset-bad-values.json`],
    expect: /^pooltune: error: .*preset-bad-values\.json: 8 problems$/,
    also: [
      /maxConnections: expected a whole number from 1 to 10000, got 1e\+308/,
      /minConnections: expected a whole number from 0 to 10000, got -1/,
      /acquireTimeout: expected at least 1ms, got "0\.1us"/,
      /queryTimeout: expected at most 2147483647ms \(about 24 days, the longest timeout PostgreSQL and Node\.js take\), got "30d"/,
      /idleTimeout: expected a duration such as 500ms, 5s, 10min or 1h, or null for none, got 5\n/,
      /maxLifetime: expected .*, got "7{40}…"\n/,
      /retries\.maxRetries: expected a whole number from 0 to 100, got 2\.5/,
      /retries\.baseDelay: expected a duration .*, got "NaNms"/,
    ],
  },
  {
    name: 'a preset whose min is above its max',
    args: ['recommend', '--workload', `${DIR}/preset-min-above-max.json`],
    expect:
      /^pooltune: error: .*preset-min-above-max\.json: minConnections: expected at most maxConnections \(5\), got 6$/,
  },
  {
    name: 'a preset key with a newline and an escape sequence',
    args: ['recommend', '--workload', `${DIR}/preset-odd-key.json`],
    expect: /^pooltune: error: .*preset-odd-key\.json: a\\nb\\u001b\[2J: unknown key \(allowed: .*\)$/,
  },
  ...(['recommend', 'check-server', 'preflight'] as const).map((command) => ({
    name: `${command} --config with wrong workloads, counts and timeouts`,
    args: [...COMMANDS[command].base, '--config', `${DIR}/plan-bad.json`],
    cwd: COMMANDS[command].cwd,
    expect: /^pooltune: error: .*plan-bad\.json: 5 problems$/,
    also: [
      /plan-bad\.json: workload: expected oltp, batch, microservice or the path of a preset file \(\.json\), got "OLTP"/,
      /services\[0\]\.workload: expected oltp, batch, microservice .*, got "nope"/,
      /services\[0\]\.instances: expected a whole number from 1 to 100000, got -1/,
      /services\[0\]\.pool\.maxConnections: expected a whole number from 1 to 100000, got 100000000000000000000/,
      /services\[1\]\.pool\.acquireTimeout: expected at least 1ms, got "0\.4ms"/,
    ],
  })),
  {
    name: 'preflight --config with no services',
    args: [...COMMANDS.preflight.base, '--config', `${DIR}/plan-no-services.json`],
    cwd: PLAN_DIR,
    expect:
      /^pooltune: error: .*plan-no-services\.json lists no services; preflight checks a plan of services against the server$/,
  },
  {
    name: 'preflight --config with 9000 problems lists 50 and counts the rest',
    args: [...COMMANDS.preflight.base, '--config', `${DIR}/plan-many-problems.json`],
    cwd: PLAN_DIR,
    expect: /^pooltune: error: .*plan-many-problems\.json: 9000 problems$/,
    also: [/services\[0\]\.name: missing/, /: … and 8950 more problems\n$/],
  },
  {
    name: 'preflight --config with a 100 000-colon target.url',
    args: [...COMMANDS.preflight.base, '--config', `${DIR}/plan-long-url.json`],
    cwd: PLAN_DIR,
    expect:
      /^pooltune: error: .*plan-long-url\.json: target\.url: name the environment variable that holds the URL in target\.urlEnv instead$/,
  },
  {
    name: 'preflight --config made of prototype keys',
    args: [...COMMANDS.preflight.base, '--config', `${DIR}/plan-proto.json`],
    cwd: PLAN_DIR,
    expect: /^pooltune: error: .*plan-proto\.json: 2 problems$/,
    also: [/__proto__: unknown key/, /constructor: unknown key/],
  },
  {
    name: 'health --schema with a 100 000-character column type',
    args: [...COMMANDS.health.base, '--schema', `${DIR}/spec-long-type.json`],
    expect:
      /^pooltune: error: .*spec-long-type\.json: tables\[0\]\.columns\[0\]\.type: expected a type such as text, bigint or varchar\(255\), at most 256 characters, got ".*" \(100001 characters\)$/,
  },
  {
    name: 'health --schema with empty, long and odd names',
    args: [...COMMANDS.health.base, '--schema', `${DIR}/spec-bad.json`],
    expect: /^pooltune: error: .*spec-bad\.json: 3 problems$/,
    also: [
      /schema: "7{40}…" is 100000 bytes long; PostgreSQL keeps only the first 63 bytes of a name/,
      /tables\[0\]\.name: expected a non-empty name, got ""/,
      /tables\[1\]\.columns: expected a list, got an object/,
    ],
  },
);

// URLs -------------------------------------------------------------------------------------------------
const URL_HELP = 'expected a URL such as postgres://user@host:5432/database\\?sslmode=require';
const urlCase = (
  command: CommandName,
  name: string,
  db: string,
  message: string,
  env?: Record<string, string>,
): Case => ({
  name: `${command} --db ${name}`,
  args: [...COMMANDS[command].base.filter((a) => a !== '--db' && a !== UNREACHABLE), '--db', db],
  cwd: COMMANDS[command].cwd,
  expect: new RegExp(`^pooltune: error: ${message}$`),
  ...(env ? { env } : {}),
});
const at = (suffix: string) => `${UNREACHABLE}${suffix}`;
const URLS: [string, string, string][] = [
  ['empty', '', `--db is empty; ${URL_HELP}`],
  ['whitespace', '  ', `--db is empty; ${URL_HELP}`],
  ['not a URL', 'not a url', `--db is not a valid connection URL; ${URL_HELP}`],
  ['mysql://', 'mysql://x@127.0.0.1:1/x', `--db must start with postgres:// or postgresql://; ${URL_HELP}`],
  ['http://', 'http://x@127.0.0.1:1/x', `--db must start with postgres:// or postgresql://; ${URL_HELP}`],
  ['port 99999', 'postgres://x@127.0.0.1:99999/x', `--db is not a valid connection URL; ${URL_HELP}`],
  ['port 0', 'postgres://x@127.0.0.1:0/x', '--db: the port must be a number from 1 to 65535'],
  ['port -1', 'postgres://x@127.0.0.1:-1/x', `--db is not a valid connection URL; ${URL_HELP}`],
  ['port=0x10', at('?port=0x10'), '--db: the port must be a number from 1 to 65535'],
  ['port=', at('?port='), "--db: the URL parameter 'port' is empty"],
  ['host=', at('?host='), "--db: the URL parameter 'host' is empty"],
  ['dbname=', at('?dbname='), "--db: the URL parameter 'dbname' is empty"],
  ['user=', at('?user='), "--db: the URL parameter 'user' is empty"],
  [
    'sslmode=bogus',
    at('?sslmode=bogus'),
    '--db: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full',
  ],
  ['sslmode=', at('?sslmode='), "--db: the URL parameter 'sslmode' is empty"],
  ['unknown parameter', at('?foo=bar'), "--db: unsupported URL parameter 'foo'"],
  ['a long parameter', at(`?${LONG}=1`), `--db: unsupported URL parameter '7{40}…\\(100000 characters\\)'`],
  [
    'connect_timeout=-1',
    at('?connect_timeout=-1'),
    '--db: connect_timeout must be a whole number of seconds',
  ],
  [
    'connect_timeout=1e3',
    at('?connect_timeout=1e3'),
    '--db: connect_timeout must be a whole number of seconds',
  ],
  [
    'broken encoding',
    'postgres://x@127.0.0.1:1/%zz',
    `--db: the URL has a broken percent-encoding; ${URL_HELP}`,
  ],
  [
    '%00 in the database',
    'postgres://x@127.0.0.1:1/%00',
    `--db: the database holds a control character \\(such as %00\\); ${URL_HELP}`,
  ],
  [
    '%00 in the user',
    'postgres://%00@127.0.0.1:1/x',
    `--db: the user holds a control character \\(such as %00\\); ${URL_HELP}`,
  ],
  [
    '%0A in the host',
    'postgres://x@a%0Ab:1/x',
    `--db: the host holds a control character \\(such as %00\\); ${URL_HELP}`,
  ],
  ['a newline', at('\nfoo'), `--db holds a control character \\(such as a newline or tab\\); ${URL_HELP}`],
  [
    'a tab',
    'postgres://x@127.0.0.1:1/x\ty',
    `--db holds a control character \\(such as a newline or tab\\); ${URL_HELP}`,
  ],
  [
    'an escape sequence',
    at('\u001b[31m'),
    `--db holds a control character \\(such as a newline or tab\\); ${URL_HELP}`,
  ],
  ['an unclosed IPv6 host', 'postgres://x@[::1/x', `--db is not a valid connection URL; ${URL_HELP}`],
  [
    'a 100 000-character host',
    `postgres://x@${LONG}:1/x`,
    '--db: the host name is 100000 characters long; at most 253',
  ],
  [
    'a 100 000-character database',
    `postgres://x@127.0.0.1:1/${LONG}`,
    '--db: the database name is 100000 bytes long; PostgreSQL keeps only the first 63 bytes of a name',
  ],
  [
    'a 64-byte user',
    `postgres://${'u'.repeat(64)}@127.0.0.1:1/x`,
    '--db: the user name is 64 bytes long; PostgreSQL keeps only the first 63 bytes of a name',
  ],
  [
    'a 200-byte socket folder',
    at(`?host=/${'s'.repeat(199)}`),
    '--db: the socket folder is 200 bytes long; at most 92',
  ],
  ['100 000 characters', LONG, `--db is not a valid connection URL; ${URL_HELP}`],
];
const urlCases: Case[] = URLS.map(([name, db, message]) => urlCase('health', name, db, message));
for (const command of ['recommend', 'check-server', 'preflight'] as const) {
  for (const [name, db, message] of URLS.filter(([n]) =>
    ['empty', 'not a URL', 'sslmode=bogus', 'a newline', 'a 100 000-character host'].includes(n),
  ))
    urlCases.push(urlCase(command, name, db, message));
}
urlCases.push(
  {
    name: 'health with DATABASE_URL holding a newline',
    args: ['health'],
    cwd: DIR,
    env: { DATABASE_URL: `${UNREACHABLE}\nx` },
    expect: new RegExp(
      `^pooltune: error: DATABASE_URL holds a control character \\(such as a newline or tab\\); ${URL_HELP}$`,
    ),
  },
  {
    name: 'health never repeats a password from a bad URL',
    args: ['health', '--db', 'postgres://x:s3cret-pw@127.0.0.1:1/x?sslmode=bogus'],
    cwd: DIR,
    expect: /^pooltune: error: --db: sslmode must be one of .*$/,
  },
);

// The checks -------------------------------------------------------------------------------------------
const STACK = /\n\s+at |node:internal|internal error|Error: /;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const timings: number[] = [];
/** How many runs the tests below declare, so that the totals can tell that each one ran. */
let planned = 0;

async function run(c: Case): Promise<{ result: CliResult; ms: number }> {
  const started = performance.now();
  const options = { cwd: c.cwd ?? DIR, env: { HOME: DIR, ...c.env } };
  const result = await (c.spawned ? runCli : runInProcess)(c.args, options);
  const ms = performance.now() - started;
  timings.push(ms);
  return { result, ms };
}

function assertRejected(c: Case, result: CliResult, ms: number): void {
  const { code, stdout, stderr } = result;
  const detail = `${c.name}: exit ${code}\n${stderr.slice(0, 800)}`;
  assert.equal(code, 2, detail);
  assert.equal(stdout, '', detail);
  assert.ok(ms < TIME_LIMIT_MS, `${c.name}: took ${Math.round(ms)}ms`);
  assert.ok(stderr.endsWith('\n'), detail);
  const lines = stderr.slice(0, -1).split('\n');
  const [first = '', ...rest] = lines;
  assert.match(first, c.expect, detail);
  // Exactly one error line; more lines only as hints, a problem list ("  file: problem") or commander's
  // "(Did you mean …?)".
  for (const line of rest) assert.match(line, /^ {2}(hint: |\S.*: \S)|^\(Did you mean /, detail);
  assert.ok(rest.length <= 52, `${c.name}: ${lines.length} lines`);
  assert.doesNotMatch(stderr, STACK, detail);
  assert.doesNotMatch(stderr, CONTROL, `${c.name}: a control character reached the terminal`);
  assert.ok(stderr.length < (rest.length + 1) * 400, `${c.name}: ${stderr.length} characters on stderr`);
  for (const pattern of c.also ?? []) assert.match(stderr, pattern, detail);
  assert.ok(!stderr.includes('s3cret-pw'), 'a password is never repeated');
}

function suite(title: string, cases: readonly Case[]): void {
  describe(title, { concurrency: 4 }, () => {
    for (const c of cases) {
      planned += 1;
      it(c.name.slice(0, 120), async () => {
        const { result, ms } = await run(c);
        assertRejected(c, result, ms);
      });
    }
  });
}

describe('the hostile-input harness', { concurrency: 4 }, () => {
  // The same arguments with good values get past the parsers: exit 0 for recommend, and exit 3 (the
  // unreachable --db) for the commands that connect. So a hostile value that slipped through would show.
  const baseline: [CommandName, readonly string[], number][] = [
    ['recommend', ['-c', '10', '--emit', 'json', '--connect-timeout', '2s'], 0],
    ['recommend', ['--workload', `${DIR}/bom-preset.json`], 0],
    [
      'check-server',
      ['--pool-max', '5', '--server-memory', '4GB', '--connect-timeout', '2s', '--workload', 'batch'],
      3,
    ],
    [
      'health',
      [
        '--duration',
        '1s',
        '--samples',
        '5',
        '--query',
        'select\n\t1',
        '--idle-in-transaction-threshold',
        '1min',
      ],
      3,
    ],
    ['preflight', ['--duration', '1s', '--probe-connections', '1', '--fail-on', 'warning'], 3],
  ];
  for (const [command, args, expected] of baseline) {
    planned += 1;
    it(`${command} ${args.join(' ').replace(/\s+/g, ' ').slice(0, 80)} → exit ${expected}`, async () => {
      const { base, cwd } = COMMANDS[command];
      const { result, ms } = await run({ name: command, args: [...base, ...args], cwd, expect: /./ });
      assert.equal(result.code, expected, result.stderr);
      assert.ok(ms < TIME_LIMIT_MS);
      if (expected === 3)
        assert.match(result.stderr, /^pooltune: error: connection refused by 127\.0\.0\.1:1/);
    });
  }

  planned += 1;
  it('connect_timeout=0 in the URL (libpq: wait forever) keeps the 10s bound', async () => {
    const db = `${UNREACHABLE}?connect_timeout=0`;
    const { result } = await run({
      name: 'connect_timeout=0',
      args: ['check-server', '-v', '--db', db],
      expect: /./,
    });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /connect timeout 10s\)/);
  });

  // The cases run in this process; a sample of each kind also runs the executable, which must answer
  // byte for byte the same, so that what is tested in-process is what a user gets.
  it('the executable answers a sample of the cases exactly as run(argv, io) does', async () => {
    const password = urlCases.find((c) => c.name.includes('password'));
    const sample = [countCases, durationCases, sizeCases, choiceCases, queryCases, fileCases, urlCases]
      .map((cases) => cases[cases.length >> 1])
      .concat(password);
    for (const c of sample) {
      assert.ok(c && !c.spawned);
      const options = { cwd: c.cwd ?? DIR, env: { HOME: DIR, ...c.env } };
      const [inProcess, spawned] = await Promise.all([
        runInProcess(c.args, options),
        runCli(c.args, options),
      ]);
      assert.deepEqual(spawned, inProcess, c.name);
    }
  });
});

suite('hostile counts', countCases);
suite('hostile durations', durationCases);
suite('hostile sizes', sizeCases);
suite('hostile choices (--format, --fail-on, --emit) and --query', [...choiceCases, ...queryCases]);
suite('hostile files (--workload, --config, --schema)', fileCases);
suite('hostile URLs (--db, DATABASE_URL)', urlCases);

describe('hostile-input totals', () => {
  it('ran every case, the slowest within the time limit', (t) => {
    const sorted = [...timings].sort((a, b) => a - b);
    const slowest = sorted.at(-1) ?? 0;
    t.diagnostic(
      `${timings.length} runs; median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)}ms, slowest ${Math.round(slowest)}ms`,
    );
    assert.ok(planned > 300, `the case lists are built: ${planned}`);
    assert.equal(timings.length, planned, 'each case ran to its end');
    assert.ok(slowest < TIME_LIMIT_MS, `slowest ${Math.round(slowest)}ms`);
  });
});
