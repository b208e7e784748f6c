import { Option, type Command } from 'commander';
import { FAIL_ON_LEVELS, type FailOn } from '../../core/findings.js';
import { addOutputFlags, readOutput, type OutputOptions } from './output.js';

/** Options every command takes. */
export interface CommonOptions extends OutputOptions {
  readonly failOn: FailOn;
  /** Whether --fail-on came from the command line or the environment (then it beats a plan's failOn). */
  readonly failOnGiven: boolean;
  /** false with --no-color; undefined lets the environment decide. */
  readonly color?: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** The output flags, --fail-on, --quiet and --verbose: the last flags of every command. */
export function addCommonFlags(command: Command): Command {
  return addOutputFlags(command)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(FAIL_ON_LEVELS)
        .env('POOLTUNE_FAIL_ON')
        .default('critical'),
    )
    .option('-q, --quiet', "print only the findings that need attention (and recommend's code)")
    .option('-v, --verbose', 'explain what pooltune is doing, on stderr');
}

export function readCommon(command: Command): CommonOptions {
  const raw = command.opts<{ failOn: FailOn; quiet?: boolean; verbose?: boolean }>();
  // --no-color is the program's flag, given before or after the command.
  const color = command.parent?.opts<{ color?: boolean }>().color;
  const source = command.getOptionValueSource('failOn');
  return {
    ...readOutput(command),
    failOn: raw.failOn,
    failOnGiven: source === 'cli' || source === 'env',
    ...(color === false ? { color: false } : {}),
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
  };
}
