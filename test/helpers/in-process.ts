/**
 * Runs a command inside the test process through `run(argv, io)`, with an Io whose streams are strings:
 * the same parsing, checks, messages and exit code as the executable, without starting Node each time.
 * What needs a real process (signals, a closed stdout, the bin itself, a terminal, libraries that read
 * process.env) stays with runCli. The one import of the CLI's entry point for tests lives here.
 */
import { run } from '../../src/cli/run.js';
import { redact, worthMasking, type Io, type OutStream } from '../../src/ui/io.js';
import type { CliResult } from './cli.js';
import { REPO_ROOT } from './paths.js';

/** An Io as the executable has it on pipes: no terminal, no width, secrets masked on every write. */
export function memoryIo(options: { env?: Record<string, string>; cwd?: string } = {}): {
  io: Io;
  stdout: () => string;
  stderr: () => string;
} {
  const secrets = new Set<string>();
  const written = { stdout: '', stderr: '' };
  const stream = (name: keyof typeof written): OutStream => ({
    write: async (text) => void (written[name] += redact(text, secrets)),
    isTTY: false,
  });
  const io: Io = {
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    stdinIsTTY: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    cwd: options.cwd ?? REPO_ROOT,
    addSecret: (secret) => {
      if (worthMasking(secret)) secrets.add(secret);
    },
  };
  return { io, stdout: () => written.stdout, stderr: () => written.stderr };
}

/** Like runCli, in this process: the environment is only PATH and `env`, as runCli gives a child. */
export async function runInProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const { io, stdout, stderr } = memoryIo(options);
  const code = await run(['node', 'pooltune', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}
