import type { Command } from 'commander';
import type { CommandReport } from '../report/documents/index.js';
import type { Io } from '../ui/io.js';
import { readCommon, type CommonOptions } from './flags/common.js';
import { readDatabase, type DatabaseOptions } from './flags/database.js';

/** What every command's options carry: the program adds these flags to each command after its own. */
export type SharedOptions = CommonOptions & DatabaseOptions;

/**
 * A command as a value: its flags, how it reads them into typed options, its help, and what it runs. The
 * program loops over these; each lives in src/commands/<name>.ts and is loaded only when its name is on the
 * command line.
 */
export interface CommandDeclaration<Options> {
  /** Whether --db may be given more than once, for one report over several servers. */
  readonly severalTargets?: boolean;
  /** Whether the command reads no server at all (alerts): it then has no --db flags or connection help. */
  readonly offline?: boolean;
  /** The long description under the usage line. */
  readonly description: string;
  /** Help after the flags: the examples, and any note of the command's own. */
  readonly help: string;
  /** Adds the command's own flags, in the order help lists them. */
  flags(command: Command): void;
  /** The parsed flags as options (`readShared` for the shared ones); a clash ends in `command.error`. */
  read(command: Command): Options;
  /**
   * Runs the command: its report, which the pipeline finishes (document, format, file, exit code), or the
   * exit code of a run that stopped before it had anything to report.
   */
  run(options: Options, io: Io): Promise<CommandReport | number>;
}

/** The shared flags; `severalTargets` for the commands that take --db more than once. */
export function readShared(command: Command, severalTargets = false): SharedOptions {
  return { ...readCommon(command), ...readDatabase(command, severalTargets) };
}
