/**
 * `pooltune monitor --listen` started for a test: every --listen test spawns it the same way, waits for the
 * line naming the address it serves on, and reads /metrics; this does that once.
 */
import { startCli, type CliResult } from './cli.js';
import { waitFor } from './wait.js';

export interface Listening {
  readonly child: ReturnType<typeof startCli>['child'];
  /** Everything it printed and its exit code, once it has closed. */
  readonly output: Promise<CliResult>;
  /** The /metrics address from its `serving http://…/metrics` line. */
  readonly metricsUrl: string;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** /metrics as it reads now. */
  metrics(): Promise<string>;
  /** The value of `pooltune_up{target="…"}` on /metrics now ('0' or '1'), undefined while it has none. */
  up(target: string): Promise<string | undefined>;
  /** SIGKILL unless it has ended: for a test's `finally`, so that a failed test leaves no process behind. */
  killIfRunning(): void;
}

/**
 * Runs `pooltune monitor <args> --listen 127.0.0.1:0 --interval 200ms` and resolves once it says where it
 * serves. Fails (the process killed) if it ends or never says so.
 */
export async function startListening(args: readonly string[]): Promise<Listening> {
  const { child, output } = startCli(['monitor', ...args, '--listen', '127.0.0.1:0', '--interval', '200ms']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer | string) => (stderr += chunk.toString()));
  const killIfRunning = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  let metricsUrl: string | undefined;
  try {
    await waitFor('the address pooltune serves on', () => /serving http:\/\/\S+\/metrics/.test(stderr), {
      unless: output,
    });
    metricsUrl = /serving (http:\/\/\S+\/metrics)/.exec(stderr)?.[1];
    if (metricsUrl === undefined) throw new Error(`pooltune ended before it served /metrics: ${stderr}`);
  } catch (error) {
    killIfRunning();
    throw error;
  }
  const url = metricsUrl;
  const metrics = async () => (await fetch(url)).text();
  return {
    child,
    output,
    metricsUrl: url,
    stderr: () => stderr,
    metrics,
    up: async (target) =>
      new RegExp(`^pooltune_up\\{target="${target}"\\} (\\d)$`, 'm').exec(await metrics())?.[1],
    killIfRunning,
  };
}
