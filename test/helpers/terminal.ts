import { spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './paths.js';
import { collectOutput, type CliResult } from './cli.js';

/** What to type once the screen shows `prompt` (looked for after the previous step's prompt). */
export interface Keystrokes {
  readonly prompt: RegExp;
  readonly keys: string;
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) and types each step's keys once its prompt is on
 * the screen, so that prompts behave as they do for a person however slow the machine: keys typed before
 * a prompt takes the terminal would reach it in line mode. stdout and stderr arrive mixed, as on a screen.
 */
export async function runOnTerminal(
  args: readonly string[],
  steps: readonly Keystrokes[],
): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = collectOutput(child);
  let screen = '';
  // Where the next prompt is looked for: a question already answered must not count again.
  let from = 0;
  let next = 0;
  const typeWhatIsDue = () => {
    for (let step = steps[next]; step; step = steps[next]) {
      const match = step.prompt.exec(screen.slice(from));
      if (!match) return;
      from += match.index + match[0].length;
      next += 1;
      child.stdin.write(step.keys);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    typeWhatIsDue();
  });
  // A prompt that never comes fails the test with what the screen showed, rather than hanging it.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    return await result;
  } finally {
    clearTimeout(deadline);
  }
}
