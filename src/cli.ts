import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { printable } from './core/echo.js';
import { EXIT_CODE } from './core/exit-codes.js';
import { InputFileError, PooltuneError } from './core/errors.js';
import { packageRoot } from './config/package-root.js';
import { createProgram, type Invocation } from './program.js';
import { deliverStop, SIGNAL_EXIT_CODES, type StopSignal } from './ui/interrupt.js';
import { processIo, type Io } from './ui/io.js';

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
  const program = createProgram(io, version, (parsed) => (invocation = parsed));
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
    switch (invocation.command) {
      case 'recommend': {
        const { runRecommend } = await import('./commands/recommend.js');
        return await runRecommend(invocation.options, io, version);
      }
      case 'health': {
        const { runHealth } = await import('./commands/health.js');
        return await runHealth(invocation.options, io, version);
      }
      case 'preflight': {
        const { runPreflight } = await import('./commands/preflight.js');
        return await runPreflight(invocation.options, io, version);
      }
      case 'bench': {
        const { runBench } = await import('./commands/bench.js');
        return await runBench(invocation.options, io, version);
      }
      case 'monitor': {
        const { runMonitor } = await import('./commands/monitor.js');
        return await runMonitor(invocation.options, io, version);
      }
      case 'check-server': {
        const { runCheckServer } = await import('./commands/check-server.js');
        return await runCheckServer(invocation.options, io, version);
      }
    }
  } catch (error) {
    return report(error, io, invocation.options.verbose);
  }
}

/** After this long a command that took the signal to stop gracefully is ended the hard way. */
const GRACEFUL_STOP_MS = 3000;

/**
 * Ctrl-C or SIGTERM. A command that runs until stopped (bench, monitor) takes the first signal, stops,
 * reports what it measured and returns 128 + the signal number itself. Otherwise, or on a second signal,
 * or when the graceful stop takes too long: close every connection and pool pooltune has open (bounded in
 * time), say so, and exit. The one place that ends the process early.
 */
function closeOnSignals(io: Io): void {
  let stopping = false;
  let ending = false;
  const hardStop = async (signal: StopSignal) => {
    if (ending) return;
    ending = true;
    const { closeAll } = await import('./probes/open-connections.js');
    await closeAll();
    await io.stderr.write(`\npooltune: cancelled (${signal}); connections closed\n`);
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    process.on(signal, () => {
      if (!stopping && deliverStop(signal)) {
        stopping = true;
        setTimeout(() => void hardStop(signal), GRACEFUL_STOP_MS).unref();
        return;
      }
      void hardStop(signal);
    });
  }
}

/** The executable's entry point (bin/pooltune.cjs). */
export async function main(): Promise<void> {
  // A reader that goes away (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const io = processIo();
  closeOnSignals(io);
  process.exitCode = await run(process.argv, io);
}
