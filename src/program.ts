import { Command, InvalidArgumentError, Option } from 'commander';
import { COUNT_RANGES, countExpectation, parseCount, type CountRange } from './core/numbers.js';
import { FAIL_ON_LEVELS, type FailOn } from './core/findings.js';
import { EMITTERS, type EmitterName } from './report/emit/types.js';
import { FORMATS, type CommonOptions, type Format } from './commands/common.js';
import type { RecommendOptions } from './commands/recommend.js';
import type { Io } from './ui/io.js';

/** What a parsed command line asks for; cli.ts runs it. */
export type Invocation = { readonly command: 'recommend'; readonly options: RecommendOptions };

const EXIT_CODES_HELP = `
Exit codes:
  0    ran; no finding at or above --fail-on
  1    ran; a finding at or above --fail-on (the gate failed)
  2    usage or input error: bad flag, bad value, unreadable or invalid file
  3    could not reach or log in to the target database
  130  cancelled (Ctrl-C, or a cancelled prompt)

Environment:
  NO_COLOR     any non-empty value turns colour off (so does --no-color)
  FORCE_COLOR  turns colour on when output is not a terminal (0 turns it off)`;

function count(range: CountRange) {
  return (text: string): number => {
    const value = parseCount(text, range);
    if (value === undefined) throw new InvalidArgumentError(`Expected ${countExpectation(range)}.`);
    return value;
  };
}

function addCommonOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--json', 'shorthand for --format json')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(FAIL_ON_LEVELS)
        .default('critical'),
    )
    .option('-q, --quiet', 'print only the configuration and the findings that need attention')
    .option('-v, --verbose', 'explain what pooltune is doing, on stderr');
}

interface RawCommon {
  format: Format;
  json?: boolean;
  failOn: FailOn;
  quiet?: boolean;
  verbose?: boolean;
}

function commonOptions(raw: RawCommon, program: Command): CommonOptions {
  const color = program.opts<{ color?: boolean }>().color;
  return {
    format: raw.json ? 'json' : raw.format,
    failOn: raw.failOn,
    ...(color === false ? { color: false } : {}),
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
  };
}

/**
 * commander wiring only: flags, help and parsing. Each action records what to run; nothing runs here, so the
 * parser can be tested on its own and cli.ts owns errors and exit codes.
 */
export function createProgram(io: Io, version: string, onInvoke: (invocation: Invocation) => void): Command {
  const program = new Command('pooltune')
    .description('Size, check and diagnose PostgreSQL connection pools.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--no-color', 'never print colour')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`pooltune: ${text}`),
    })
    .addHelpText('after', EXIT_CODES_HELP);

  const recommend = program
    .command('recommend')
    .summary('recommend a pool configuration for a workload')
    .description(
      [
        'Recommend a connection-pool configuration and print it as code to paste.',
        '',
        '  usable slots = server max_connections − reserved − held by others',
        '  max          = min(ceil(concurrency × 1.2), floor(usable ÷ instances × 0.8))',
        '  min          = the preset’s share of max, at least 1',
        '',
        "Without --concurrency the preset's own pool size stands, capped by the budget.",
        'On a terminal with no flags, or with -i, a wizard asks for the inputs.',
      ].join('\n'),
    )
    .option('-w, --workload <name|file>', 'oltp, batch, microservice, or a preset file (.json)')
    .option(
      '-c, --concurrency <n>',
      'expected concurrent requests per application instance',
      count(COUNT_RANGES.concurrency),
    )
    .option('--instances <n>', 'application instances sharing the server', count(COUNT_RANGES.instances), 1)
    .option(
      '--server-max-connections <n>',
      "the server's max_connections",
      count(COUNT_RANGES.serverMaxConnections),
      100,
    )
    .option(
      '--reserved-connections <n>',
      'slots ordinary roles cannot use (superuser_reserved_connections + reserved_connections)',
      count(COUNT_RANGES.reservedConnections),
      0,
    )
    .option(
      '--other-connections <n>',
      'slots already held by other applications',
      count(COUNT_RANGES.otherConnections),
      0,
    )
    .addOption(
      new Option('--emit <library>', 'the configuration code to print')
        .choices(EMITTERS)
        .default('eventcore'),
    )
    .option('-i, --interactive', 'ask for the inputs (needs a terminal)');
  addCommonOptions(recommend);
  recommend.action((raw: RawCommon & Record<string, unknown>, command: Command) => {
    const inputs = [
      'workload',
      'concurrency',
      'instances',
      'serverMaxConnections',
      'reservedConnections',
      'otherConnections',
    ] as const;
    const given = new Set(inputs.filter((key) => command.getOptionValueSource(key) === 'cli'));
    onInvoke({
      command: 'recommend',
      options: {
        ...commonOptions(raw, program),
        ...(typeof raw.workload === 'string' ? { workload: raw.workload } : {}),
        ...(typeof raw.concurrency === 'number' ? { concurrency: raw.concurrency } : {}),
        instances: raw.instances as number,
        serverMaxConnections: raw.serverMaxConnections as number,
        reservedConnections: raw.reservedConnections as number,
        otherConnections: raw.otherConnections as number,
        emit: raw.emit as EmitterName,
        interactive: raw.interactive === true,
        given,
      },
    });
  });
  recommend.addHelpText(
    'after',
    `
Examples:
  pooltune recommend --workload oltp --concurrency 33
  pooltune recommend --workload microservice --instances 12 --server-max-connections 200 --emit node-postgres
  pooltune recommend --workload ./my-preset.json --format json | jq .recommendation.pool
${EXIT_CODES_HELP}`,
  );
  return program;
}
