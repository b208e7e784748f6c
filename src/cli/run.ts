import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { printable } from '../core/echo.js';
import { EXIT_CODE } from '../core/exit-codes.js';
import { InputFileError, PooltuneError } from '../core/errors.js';
import { packageRoot } from '../config/package-root.js';
import type { Io } from '../ui/io.js';
import type { Invocation } from './commands.js';
import { createProgram } from './program.js';

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** A file with thousands of mistakes (a generated or wrong file) lists this many and counts the rest. */
const MAX_PROBLEMS_SHOWN = 50;

async function report(error: unknown, io: Io, verbose: boolean): Promise<number> {
  if (error instanceof PooltuneError) {
    const lines = [`pooltune: error: ${error.message}`];
    if (error instanceof InputFileError && error.problems.length > 1) {
      const shown = error.problems.slice(0, MAX_PROBLEMS_SHOWN);
      lines.push(...shown.map((p) => `  ${error.file}: ${p}`));
      const more = error.problems.length - shown.length;
      if (more > 0) lines.push(`  ${error.file}: … and ${more} more problems`);
    }
    lines.push(...error.hints.map((h) => `  hint: ${h}`));
    // Each message is one line, whatever a value or a file name in it holds.
    await io.stderr.write(`${lines.map(printable).join('\n')}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? error.message : String(error);
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  await io.stderr.write(
    `pooltune: internal error: ${detail}${stack}\n  This is a bug in pooltune; please report it${verbose ? '' : ' (with --verbose for details)'}.\n`,
  );
  return EXIT_CODE.usage;
}

const URL_PASSWORD = /^postgres(?:ql)?:\/\/[^:/?#@]*:([^@/?#]*)@/i;

/** Passwords on the command line or in the environment are masked from the first byte printed on. */
function registerSecrets(argv: readonly string[], io: Io): void {
  for (const text of [...argv, io.env.DATABASE_URL ?? '']) {
    const password = URL_PASSWORD.exec(text.trim())?.[1];
    if (!password) continue;
    io.addSecret(password);
    try {
      io.addSecret(decodeURIComponent(password));
    } catch {
      // A broken encoding is reported as a usage error later; the raw form is already masked.
    }
  }
  if (io.env.PGPASSWORD) io.addSecret(io.env.PGPASSWORD);
}

/** Parses argv, runs the command, and returns the exit code; never calls process.exit. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  registerSecrets(argv, io);
  const version = packageVersion();
  let invocation: Invocation | undefined;
  const program = await createProgram(io, version, (parsed) => (invocation = parsed), argv);
  try {
    await program.parseAsync([...argv], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const success = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return success && error.exitCode === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    }
    return report(error, io, argv.includes('--verbose') || argv.includes('-v'));
  }
  if (!invocation) return EXIT_CODE.usage;
  try {
    return await invocation.run();
  } catch (error) {
    return report(error, io, invocation.options.verbose);
  }
}
