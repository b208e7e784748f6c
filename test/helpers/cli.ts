import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI, REPO_ROOT } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything a child prints, and its exit code, once it has closed. */
export function collectOutput(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the built CLI as a user would, with a minimal environment unless told otherwise. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = collectOutput(child);
  child.stdin.end(options.input ?? '');
  return result;
}

/** A CLI run the test steers while it runs (signals, waits on its output): the child and its end. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything it printed and its exit code, once it has closed. */
  readonly output: Promise<CliResult>;
}

/**
 * Starts the built CLI as runCli does, but returns at once: for the tests that signal it, stop what it
 * watches, or read what it serves mid-run. Its stdin stays open.
 */
export function startCli(args: readonly string[], options: { cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { child, output: collectOutput(child) };
}

// eslint-disable-next-line no-control-regex
export const ANSI_ESCAPE = /\u001b\[/;
