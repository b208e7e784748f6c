import { Option, type Command } from 'commander';

export const FORMATS = ['text', 'json', 'markdown', 'github', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Where the report goes and in which format. */
export interface OutputOptions {
  readonly format: Format;
  /** Write the report (in --format) to this file; the terminal then gets the text report. */
  readonly output?: string;
  /**
   * recommend --raw: only the emitted code, in place of the report (to stdout, or with --output to the
   * file, the terminal then getting the text report as with any --output).
   */
  readonly raw?: boolean;
}

export function addOutputFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--format <format>',
        'text, json, markdown, github (annotations + step summary), junit or html (a page with charts)',
      )
        .choices(FORMATS)
        .default('text'),
    )
    .option('--json', 'shorthand for --format json')
    .option(
      '-o, --output <file>',
      'write the report in --format to this file (checked before the run); the terminal gets the text report',
    );
}

export function readOutput(command: Command): OutputOptions {
  const raw = command.opts<{ format: Format; json?: boolean; output?: string }>();
  return {
    format: raw.json ? 'json' : raw.format,
    ...(raw.output === undefined ? {} : { output: raw.output }),
  };
}
