import { spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './paths.js';
import { collectOutput, type CliResult } from './cli.js';

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), typing `keys` one chunk at a time, so that
 * prompts behave as they do for a person. stdout and stderr arrive mixed, as on a screen.
 */
export async function runOnTerminal(
  args: readonly string[],
  keys: readonly string[],
  gapMs = 300,
): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let next = 0;
  const typing = setInterval(() => {
    if (next < keys.length) child.stdin.write(keys[next++] ?? '');
    else clearInterval(typing);
  }, gapMs);
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    return await collectOutput(child);
  } finally {
    clearInterval(typing);
    clearTimeout(deadline);
  }
}
