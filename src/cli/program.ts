import { Command, Help } from 'commander';
import { echo } from '../core/echo.js';
import type { Io } from '../ui/io.js';
import { COMMANDS, type CommandName, type CommandOptions, type Invocation } from './commands.js';
import type { CommandDeclaration } from './declaration.js';
import { addCommonFlags } from './flags/common.js';
import { addDatabaseFlags, CONNECTION_HELP } from './flags/database.js';
import { EXIT_CODES_HELP, uniformDefaults } from './help.js';

/**
 * commander repeats a bad value in its message (`argument '…' is invalid`, `unknown option '…'`): shown
 * through `echo`, so that a newline, an escape sequence or 100 000 characters keep the error one short line.
 */
function commanderMessage(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const match =
    /^(error: option '[^']*' value ')([\s\S]*)(' from env '[^']*' is invalid\.[^\n]*)$/.exec(body) ??
    /^(error: option '[^']*' argument ')([\s\S]*)(' is invalid\.[^\n]*)$/.exec(body) ??
    /^(error: unknown (?:option|command) ')([\s\S]*?)('(?:\n\(Did you mean [^\n]*\))?)$/.exec(body);
  return `${match ? `${match[1]}${echo(match[2] ?? '')}${match[3]}` : body}\n`;
}

/**
 * commander wiring only: a loop over the command list. Each action records what to run; nothing runs here, so
 * the parser can be tested on its own and run.ts owns errors and exit codes. Only the commands named in
 * `argv` are loaded (with their flags and help); the others are a name and a summary.
 */
export async function createProgram(
  io: Io,
  version: string,
  onInvoke: (invocation: Invocation) => void,
  argv: readonly string[],
): Promise<Command> {
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
      outputError: (text, write) => write(`pooltune: ${commanderMessage(text)}`),
      // Only asked when help is printed. A terminal that reports no width (0) gets 80, as a pipe does.
      getOutHelpWidth: () => terminalWidth(process.stdout),
      getErrHelpWidth: () => terminalWidth(process.stderr),
    })
    // Every command has flags, also one whose declaration (and so its flags) is not loaded.
    .configureHelp({
      subcommandTerm: (command) =>
        COMMANDS.some((entry) => entry.name === command.name())
          ? `${command.name()} [options]`
          : new Help().subcommandTerm(command),
      optionDescription: (option) => uniformDefaults(new Help().optionDescription(option)),
      // The session thresholds' long flag names leave about 30 columns of an 80-column terminal for the
      // description, below commander's own wrapping minimum (40): wrap there too rather than run on.
      minWidthToWrap: 24,
    })
    .addHelpText('after', EXIT_CODES_HELP);

  const register = async <N extends CommandName>(
    name: N,
    summary: string,
    load: () => Promise<CommandDeclaration<CommandOptions[N]>>,
  ) => {
    const command = program.command(name).summary(summary);
    if (!argv.includes(name)) return;
    const declaration = await load();
    command.description(declaration.description);
    declaration.flags(command);
    if (declaration.offline === true) addCommonFlags(command);
    else addCommonFlags(addDatabaseFlags(command, declaration.severalTargets === true));
    const connectionHelp = declaration.offline === true ? '' : `\n${CONNECTION_HELP}`;
    command.addHelpText('after', `${declaration.help}${connectionHelp}\n${EXIT_CODES_HELP}`);
    command.action(() => {
      const options = declaration.read(command);
      const run = async () => {
        const output = await import('../pipeline/output.js');
        await output.checkOutput(io, options);
        const startedAt = performance.now();
        const outcome = await declaration.run(options, io);
        if (typeof outcome === 'number') return outcome;
        return output.writeReport(io, options, version, outcome, performance.now() - startedAt);
      };
      // The name and the options come from the same entry; TypeScript cannot follow that through N.
      onInvoke({ command: name, options, run } as Invocation);
    });
  };
  for (const entry of COMMANDS) await register(entry.name, entry.summary, entry.load);
  return program;
}

function terminalWidth(stream: NodeJS.WriteStream): number {
  return stream.isTTY && stream.columns > 0 ? stream.columns : 80;
}
